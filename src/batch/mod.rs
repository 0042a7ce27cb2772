//! `laysum batch`: every study of an input to a page — a folder of records, a JSON array of
//! studies, an API page, JSON Lines, a `.zip` of any of them, or standard input — written to a
//! folder, a JSON Lines file or standard output.
//!
//! - [`input`] recognises the input and hands out each study's bytes in order, streaming;
//!   [`json`] reads arrays, API pages and JSON Lines, [`scan`] finds where each study ends,
//!   [`zip`] reads archives front to back.
//! - Workers render the studies; a window of studies in flight keeps memory bounded however
//!   large the input, and pages are written in input order, so a run's output is the same
//!   whatever the number of workers.
//! - [`output`] writes them; [`progress`] shows how far along the run is.
//!
//! A study that fails is reported with its place and NCT id, and the run goes on.

pub mod input;
pub mod json;
pub mod output;
pub mod progress;
pub mod scan;
pub mod zip;

pub use input::{Failure, Input, InputError, InputFormat, Item, Position};
pub use output::{Destination, FolderWriter, Output, OutputError};

use crate::{PageError, Summary};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use thiserror::Error;

/// Makes the page of one record: the rules pipeline, or the llm writer driven from a worker.
pub type PageFn<'a> = dyn Fn(&[u8]) -> Result<(Summary, String), PageError> + Sync + 'a;

/// Why a run stopped before the end of its input.
#[derive(Debug, Error)]
pub enum BatchError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What became of one study, as the run goes.
#[derive(Debug)]
pub enum Event<'a> {
    Written,
    Failed(&'a Failure),
    Skipped(&'a str),
}

/// The result of a batch run.
#[derive(Debug, Default)]
pub struct Report {
    pub rendered: usize,
    pub failed: usize,
    /// Archive entries that hold no records.
    pub skipped: usize,
    /// Pages written whose quality report holds an `error`.
    pub with_errors: usize,
    grades: Grades,
}

impl Report {
    pub fn median_grade(&self) -> Option<f64> {
        self.grades.median()
    }
}

/// Grade levels counted in hundredths: the median to the precision it is shown with, in the
/// same memory for a million pages as for one (a list of grades grew with the input).
#[derive(Debug)]
struct Grades {
    counts: Vec<u64>,
    total: u64,
}

impl Grades {
    /// Grades from 0 to 50 in steps of 0.01; anything beyond counts at the ends.
    const STEPS: usize = 5_001;

    fn add(&mut self, grade: f64) {
        let step = (grade * 100.0).round().clamp(0.0, (Self::STEPS - 1) as f64) as usize;
        self.counts[step] += 1;
        self.total += 1;
    }

    /// The grade at 0-based rank `rank`.
    fn at(&self, rank: u64) -> f64 {
        let mut seen = 0;
        for (step, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen > rank {
                return step as f64 / 100.0;
            }
        }
        (Self::STEPS - 1) as f64 / 100.0
    }

    fn median(&self) -> Option<f64> {
        let n = self.total;
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.at(n / 2)),
            _ => Some((self.at(n / 2 - 1) + self.at(n / 2)) / 2.0),
        }
    }
}

impl Default for Grades {
    fn default() -> Self {
        Grades {
            counts: vec![0; Self::STEPS],
            total: 0,
        }
    }
}

/// The `*.json` files of a folder, sorted by name.
pub fn inputs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A study rendered (or not), waiting its turn to be written.
enum Rendered {
    Page {
        position: Position,
        name: Option<String>,
        nct_id: String,
        grade: f64,
        errors: usize,
        text: String,
    },
    /// Written already, to its own file, by the worker that rendered it.
    Stored {
        grade: f64,
        errors: usize,
    },
    Failed(Failure),
    Skipped(String),
}

/// Writes a rendered page to its own file, off the writer's thread.
fn store(rendered: Rendered, folder: &output::FolderWriter) -> Rendered {
    match rendered {
        Rendered::Page {
            position,
            name,
            nct_id,
            grade,
            errors,
            text,
        } => match folder.write(name.as_deref(), &nct_id, &text) {
            Ok(()) => Rendered::Stored { grade, errors },
            Err(reason) => Rendered::Failed(Failure {
                position,
                nct_id: Some(nct_id),
                reason,
            }),
        },
        other => other,
    }
}

fn render(page: &PageFn<'_>, item: Item) -> Rendered {
    match item {
        Item::Study(study) => match page(&study.bytes) {
            Ok((summary, text)) => Rendered::Page {
                position: study.position,
                name: study.name,
                grade: summary.quality.grade_level,
                errors: summary.quality.errors().count(),
                nct_id: summary.nct_id,
                text,
            },
            Err(e) => Rendered::Failed(Failure {
                position: study.position,
                nct_id: json::nct_id_in(&study.bytes),
                reason: e.to_string(),
            }),
        },
        Item::Failed(failure) => Rendered::Failed(failure),
        Item::Skipped(entry) => Rendered::Skipped(entry),
    }
}

/// Writes one rendered study and counts it.
fn write(
    rendered: Rendered,
    output: &mut Output,
    report: &mut Report,
    events: &mut dyn FnMut(Event<'_>),
) -> Result<(), OutputError> {
    match rendered {
        Rendered::Page {
            position,
            name,
            nct_id,
            grade,
            errors,
            text,
        } => match output.write(name.as_deref(), &nct_id, &text)? {
            Ok(()) => {
                report.rendered += 1;
                report.grades.add(grade);
                report.with_errors += usize::from(errors > 0);
                events(Event::Written);
            }
            Err(reason) => {
                report.failed += 1;
                events(Event::Failed(&Failure {
                    position,
                    nct_id: Some(nct_id),
                    reason,
                }));
            }
        },
        Rendered::Stored { grade, errors } => {
            report.rendered += 1;
            report.grades.add(grade);
            report.with_errors += usize::from(errors > 0);
            events(Event::Written);
        }
        Rendered::Failed(failure) => {
            report.failed += 1;
            events(Event::Failed(&failure));
        }
        Rendered::Skipped(entry) => {
            report.skipped += 1;
            events(Event::Skipped(&entry));
        }
    }
    Ok(())
}

/// Renders every study of `input` into `output` with `jobs` workers; `events` hears of each
/// study as it is written, in input order.
pub fn run(
    input: Input,
    output: &mut Output,
    page: &PageFn<'_>,
    jobs: usize,
    events: &mut dyn FnMut(Event<'_>),
) -> Result<Report, BatchError> {
    let mut report = Report::default();
    if jobs <= 1 {
        // One core: read, render and write in turn, with no hand-over between threads.
        let mut failed = None;
        input.read(
            &mut |item| match write(render(page, item), output, &mut report, events) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    failed = Some(e);
                    ControlFlow::Break(())
                }
            },
        )?;
        if let Some(e) = failed {
            return Err(e.into());
        }
    } else {
        run_parallel(input, output, page, jobs, &mut report, events)?;
    }
    output.finish()?;
    Ok(report)
}

/// A reader thread hands studies to `jobs` workers; this thread writes their pages in input
/// order. The reader waits while `window` studies are read but not yet written, which bounds
/// memory even when one slow study holds up the order.
fn run_parallel(
    mut input: Input,
    output: &mut Output,
    page: &PageFn<'_>,
    jobs: usize,
    report: &mut Report,
    events: &mut dyn FnMut(Event<'_>),
) -> Result<(), BatchError> {
    let window = Window::new(jobs as u64 * 4);
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Item)>(jobs * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Rendered)>();
    // Files need no order: workers write them, as they did before bulk output, and only the
    // lines of a JSON Lines output wait for their turn.
    let folder = output.folder();
    // A folder's records are files: each worker reads its own, as before bulk input, with no
    // reader thread handing them over one by one.
    let files = input.take_folder_files();
    let next_file = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            if files.is_some() {
                drop(work_tx);
                return Ok(());
            }
            let mut seq = 0u64;
            let read = input.read(&mut |item| {
                if !window.admit(seq) || work_tx.send((seq, item)).is_err() {
                    return ControlFlow::Break(());
                }
                seq += 1;
                ControlFlow::Continue(())
            });
            drop(work_tx);
            read
        });
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let folder = folder.as_ref();
            let files = files.as_deref();
            let next_file = &next_file;
            let window = &window;
            scope.spawn(move || loop {
                let next = match files {
                    Some(files) => {
                        let i = next_file.fetch_add(1, SeqCst);
                        match files.get(i) {
                            Some(path) if window.admit(i as u64) => {
                                Ok((i as u64, input::folder_record(path)))
                            }
                            _ => break,
                        }
                    }
                    None => work_rx.lock().unwrap_or_else(|p| p.into_inner()).recv(),
                };
                let Ok((seq, item)) = next else { break };
                let mut rendered = render(page, item);
                if let Some(folder) = folder {
                    rendered = store(rendered, folder);
                }
                if done_tx.send((seq, rendered)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let mut waiting = BTreeMap::new();
        let mut next = 0u64;
        let mut written = Ok(());
        for (seq, rendered) in done_rx {
            waiting.insert(seq, rendered);
            while let Some(rendered) = waiting.remove(&next) {
                next += 1;
                if written.is_ok() {
                    written = write(rendered, output, report, events);
                }
            }
            if written.is_err() {
                window.close();
                break;
            }
            window.written(next);
        }
        let read = reader.join().expect("the reader thread does not panic");
        written?;
        read?;
        Ok(())
    })
}

/// How many studies may be read ahead of the writer. Checked once per study by the reader
/// and written once per study by the writer, so the common case is two atomics; the lock and
/// a wake-up cost only when the reader is actually ahead and waiting.
struct Window {
    size: u64,
    written: AtomicU64,
    closed: AtomicBool,
    waiting: AtomicUsize,
    lock: Mutex<()>,
    moved: Condvar,
}

impl Window {
    fn new(size: u64) -> Self {
        Window {
            size: size.max(2),
            written: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            waiting: AtomicUsize::new(0),
            lock: Mutex::new(()),
            moved: Condvar::new(),
        }
    }

    fn open_for(&self, seq: u64) -> Option<bool> {
        if self.closed.load(SeqCst) {
            Some(false)
        } else if seq < self.written.load(SeqCst) + self.size {
            Some(true)
        } else {
            None
        }
    }

    /// Waits until study `seq` may be read ahead; false when the run is stopping.
    fn admit(&self, seq: u64) -> bool {
        if let Some(open) = self.open_for(seq) {
            return open;
        }
        let mut guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // Counted as waiting before looking again: a writer that moves the window after this
        // look sees the count and wakes us.
        self.waiting.fetch_add(1, SeqCst);
        let open = loop {
            if let Some(open) = self.open_for(seq) {
                break open;
            }
            guard = self.moved.wait(guard).unwrap_or_else(|p| p.into_inner());
        };
        self.waiting.fetch_sub(1, SeqCst);
        open
    }

    fn written(&self, count: u64) {
        self.written.store(count, SeqCst);
        self.wake();
    }

    fn close(&self) {
        self.closed.store(true, SeqCst);
        self.wake();
    }

    fn wake(&self) {
        if self.waiting.load(SeqCst) > 0 {
            let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            self.moved.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_grade_is_the_middle_one_or_the_mean_of_the_middle_two() {
        let mut grades = Grades::default();
        assert_eq!(grades.median(), None);
        for g in [7.21, 3.0, 12.5] {
            grades.add(g);
        }
        assert_eq!(grades.median(), Some(7.21));
        grades.add(8.0);
        assert_eq!(grades.median(), Some((7.21 + 8.0) / 2.0));
        grades.add(-3.0);
        grades.add(99.0);
        assert_eq!(grades.at(0), 0.0);
        assert_eq!(grades.at(5), 50.0);
    }
}
