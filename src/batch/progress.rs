//! Progress of a long run on a terminal: studies done, their rate, and an eta against what the
//! input tells of its size — a folder's record count, a file's or archive's bytes, the registry's
//! `totalCount` for `laysum fetch`. Off a terminal the bar is hidden and costs nothing.

use super::input::Extent;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Progress {
    bar: ProgressBar,
    extent: Extent,
    /// Bytes read, for an input measured in bytes.
    read: Option<Arc<AtomicU64>>,
    studies: u64,
    started: Instant,
    drawn: Instant,
}

/// A bar is drawn at most this often; the counting itself is per study.
const REDRAW: Duration = Duration::from_millis(100);

impl Progress {
    /// Progress of reading an input; `read` counts what `extent` measures.
    pub fn for_input(extent: Extent, read: Arc<AtomicU64>) -> Progress {
        let (bar, template) = match extent {
            Extent::Records(n) => (
                ProgressBar::new(n),
                "{bar:40} {pos}/{len} records · {msg} · eta {eta}",
            ),
            Extent::Bytes(n) => (
                ProgressBar::new(n),
                "{bar:40} {bytes}/{total_bytes} · {msg} · eta {eta}",
            ),
            Extent::Unknown => (
                ProgressBar::new_spinner(),
                "{spinner} {pos} studies · {msg} · {elapsed}",
            ),
        };
        bar.set_style(ProgressStyle::with_template(template).expect("a valid progress template"));
        let now = Instant::now();
        Progress {
            bar,
            extent,
            read: matches!(extent, Extent::Bytes(_)).then_some(read),
            studies: 0,
            started: now,
            drawn: now,
        }
    }

    /// Progress of studies counted one by one, against a total when it is known.
    pub fn for_studies(total: Option<u64>) -> Progress {
        let extent = total.map_or(Extent::Unknown, Extent::Records);
        let progress = Progress::for_input(extent, Arc::default());
        if total.is_some() {
            progress.bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} studies · {msg} · eta {eta}")
                    .expect("a valid progress template"),
            );
        }
        progress
    }

    /// Starts from studies done in an earlier run (a resumed fetch).
    pub fn resume_at(&mut self, studies: u64) {
        self.studies = studies;
        self.bar.set_position(studies);
        self.bar.reset_eta();
    }

    /// Sets a total learnt after the start.
    pub fn set_total(&mut self, total: u64) {
        if self.extent == Extent::Unknown {
            self.bar.finish_and_clear();
            *self = Progress::for_studies(Some(total));
        } else {
            self.bar.set_length(total);
        }
    }

    /// One more study done, written or failed.
    pub fn study_done(&mut self) {
        self.studies += 1;
        if self.bar.is_hidden() {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.drawn) < REDRAW {
            return;
        }
        self.drawn = now;
        // A bytes bar moves by the bytes read and tells the studies in its message; the others
        // move by studies.
        let rate = self.rate();
        match &self.read {
            Some(read) => {
                self.bar.set_position(read.load(Ordering::Relaxed));
                self.bar
                    .set_message(format!("{} studies · {rate:.0} studies/s", self.studies));
            }
            None => {
                self.bar.set_position(self.studies);
                self.bar.set_message(format!("{rate:.0} studies/s"));
            }
        }
    }

    /// Prints a line above the bar.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    pub fn studies(&self) -> u64 {
        self.studies
    }

    /// Studies per second since the start.
    pub fn rate(&self) -> f64 {
        self.studies as f64 / self.started.elapsed().as_secs_f64().max(1e-3)
    }
}
