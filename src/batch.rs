//! `laysum batch`: every `*.json` of a folder to a page, in parallel.
//!
//! Workers take the next file from a shared list, so both cores stay busy whatever the record
//! sizes, and each holds one record at a time, so memory stays bounded on a folder of any size.
//! A bad record fails alone: it is named with its error and the others are written.

use crate::{Format, PageError, Summary};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What became of one record.
#[derive(Debug)]
pub enum Outcome {
    Written { grade: f64, errors: usize },
    Failed { input: PathBuf, reason: String },
}

/// The result of a batch run.
#[derive(Debug, Default)]
pub struct Report {
    pub rendered: usize,
    pub failed: Vec<(PathBuf, String)>,
    /// Pages written whose quality report holds an `error`.
    pub with_errors: usize,
    pub grades: Vec<f64>,
}

impl Report {
    pub fn median_grade(&self) -> Option<f64> {
        let mut g = self.grades.clone();
        if g.is_empty() {
            return None;
        }
        g.sort_by(f64::total_cmp);
        let mid = g.len() / 2;
        Some(if g.len() % 2 == 0 {
            (g[mid - 1] + g[mid]) / 2.0
        } else {
            g[mid]
        })
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

/// Makes the page of one record: the rules pipeline, or the llm writer driven from a worker.
pub type PageFn<'a> = dyn Fn(&[u8]) -> Result<(Summary, String), PageError> + Sync + 'a;

/// Renders one file into `out`, named after the input file.
pub fn render_file(page: &PageFn<'_>, input: &Path, out: &Path, format: Format) -> Outcome {
    let fail = |reason: String| Outcome::Failed {
        input: input.to_owned(),
        reason,
    };
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read: {e}")),
    };
    let (summary, text) = match page(&bytes) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = out.join(format!("{stem}.{}", format.extension()));
    if let Err(e) = std::fs::write(&target, text) {
        return fail(format!("cannot write {}: {e}", target.display()));
    }
    Outcome::Written {
        grade: summary.quality.grade_level,
        errors: summary.quality.errors().count(),
    }
}

/// Renders every file with `jobs` workers; `progress` is called after each file. `format` names
/// the files written; `page` must render in it.
pub fn run(
    page: &PageFn<'_>,
    files: &[PathBuf],
    out: &Path,
    format: Format,
    jobs: usize,
    progress: &(dyn Fn(&Outcome) + Sync),
) -> Report {
    let next = AtomicUsize::new(0);
    let report = Mutex::new(Report::default());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = files.get(i) else { break };
                let outcome = render_file(page, input, out, format);
                progress(&outcome);
                let mut r = report.lock().unwrap_or_else(|p| p.into_inner());
                match outcome {
                    Outcome::Written { grade, errors } => {
                        r.rendered += 1;
                        r.grades.push(grade);
                        r.with_errors += usize::from(errors > 0);
                    }
                    Outcome::Failed { input, reason } => r.failed.push((input, reason)),
                }
            });
        }
    });
    let mut report = report.into_inner().unwrap_or_else(|p| p.into_inner());
    report.failed.sort();
    report
}
