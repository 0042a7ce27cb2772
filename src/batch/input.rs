//! What `laysum batch` reads, as the registry hands it out: a folder of records, a JSON array of
//! studies (`ctg-studies.json`), an API page (`{"studies": [...]}`), JSON Lines, a `.zip` of
//! any of those, or standard input.
//!
//! Each study goes on as the bytes it had in the input (see [`super::scan`]), so its page is
//! the same whichever way it came in. Arrays, pages and archives are streamed: one study at a
//! time is held. A study that cannot be read is reported with its place and the reading goes on
//! where the input allows it: the next element of an array, the next line, the next entry.

use super::json::read_json;
use super::scan::Scanner;
use super::zip::{is_zip, Archive};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use thiserror::Error;

/// How the input is laid out; `Auto` tells by the path and the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    #[default]
    Auto,
    /// A folder whose `*.json` files are one record each.
    Folder,
    /// A JSON array of studies.
    Array,
    /// A page of the registry's API: `{"studies": [...], "nextPageToken": ...}`.
    Page,
    /// JSON Lines: one study per line.
    Lines,
    /// A zip archive of any of the others.
    Zip,
}

/// Why the input cannot be read at all (a study that cannot be read is a [`Failure`] instead).
#[derive(Debug, Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}")]
    Open { path: String, source: io::Error },
    #[error("{path} is a folder: --input-format {format} reads a file")]
    FolderNotFile { path: String, format: &'static str },
    #[error("{path} is not a folder")]
    NotFolder { path: String },
    #[error("no *.json records in {path}")]
    EmptyFolder { path: String },
}

/// Where a study stands in the input, for the messages a user reads.
#[derive(Debug, Clone)]
pub struct Position {
    /// The file, the archive entry (`archive.zip:entry.json`) or standard input.
    pub source: Arc<str>,
    pub place: Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The study is the whole of its source.
    Whole,
    /// The n-th study (from 1) of an array or page.
    Study(usize),
    /// The study on line n (from 1) of JSON Lines.
    Line(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Place::Whole => write!(f, "{}", self.source),
            Place::Study(n) => write!(f, "{}, study {n}", self.source),
            Place::Line(n) => write!(f, "{}, line {n}", self.source),
        }
    }
}

/// One study's bytes, as they were in the input.
#[derive(Debug)]
pub struct Study {
    pub position: Position,
    /// The name of its page in a folder when the study is the whole of a file or archive entry
    /// (the file's name, as before bulk input); otherwise the page is named by NCT id.
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A study, or a part of the input, that could not be read.
#[derive(Debug, Clone)]
pub struct Failure {
    pub position: Position,
    pub nct_id: Option<String>,
    pub reason: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.nct_id {
            Some(id) => write!(f, "{} ({id}): {}", self.position, self.reason),
            None => write!(f, "{}: {}", self.position, self.reason),
        }
    }
}

/// Where the reader hands items; `Break` stops the reading (the output failed).
pub type Emit<'a> = dyn FnMut(Item) -> ControlFlow<()> + 'a;

/// What the reader hands on, in input order.
#[derive(Debug)]
pub enum Item {
    Study(Study),
    Failed(Failure),
    /// An archive entry that holds no records (a folder, a README, macOS metadata).
    Skipped(String),
}

/// How far along the reading is, for progress: what it can be measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// A folder: this many records.
    Records(u64),
    /// A file or archive: this many bytes.
    Bytes(u64),
    /// Standard input: not known.
    Unknown,
}

/// An input opened and recognised, ready to be read.
#[derive(Debug)]
pub struct Input {
    source: Source,
    format: InputFormat,
    /// Bytes read so far from the file (compressed bytes for an archive), or records read from
    /// a folder: what progress is measured in.
    read: Arc<AtomicU64>,
}

#[derive(Debug)]
enum Source {
    Folder(Vec<PathBuf>),
    File { path: PathBuf, size: u64 },
    Stdin,
}

/// Big enough that the scanner rarely waits on a read, small beside the 64 MB a run may use.
const BUFFER: usize = 256 * 1024;

impl Input {
    /// `-` is standard input; a folder is a folder of records; anything else a file.
    pub fn open(path: &Path, format: InputFormat) -> Result<Input, InputError> {
        let shown = path.display().to_string();
        let source = if path.as_os_str() == "-" {
            if format == InputFormat::Folder {
                return Err(InputError::NotFolder { path: shown });
            }
            Source::Stdin
        } else {
            let meta = std::fs::metadata(path).map_err(|source| InputError::Open {
                path: shown.clone(),
                source,
            })?;
            if meta.is_dir() {
                if !matches!(format, InputFormat::Auto | InputFormat::Folder) {
                    return Err(InputError::FolderNotFile {
                        path: shown,
                        format: format.name(),
                    });
                }
                let files = super::inputs(path).map_err(|source| InputError::Open {
                    path: shown.clone(),
                    source,
                })?;
                if files.is_empty() {
                    return Err(InputError::EmptyFolder { path: shown });
                }
                Source::Folder(files)
            } else if format == InputFormat::Folder {
                return Err(InputError::NotFolder { path: shown });
            } else {
                Source::File {
                    path: path.to_owned(),
                    size: meta.len(),
                }
            }
        };
        Ok(Input {
            source,
            format,
            read: Arc::default(),
        })
    }

    /// What progress can be measured against.
    pub fn extent(&self) -> Extent {
        match &self.source {
            Source::Folder(files) => Extent::Records(files.len() as u64),
            Source::File { size, .. } => Extent::Bytes(*size),
            Source::Stdin => Extent::Unknown,
        }
    }

    /// The files of a folder input: records that need no reader in front of them, since each
    /// worker can read its own.
    /// Takes them out: reading the input after this reads none of them.
    pub fn take_folder_files(&mut self) -> Option<Vec<PathBuf>> {
        match &mut self.source {
            Source::Folder(files) => Some(std::mem::take(files)),
            _ => None,
        }
    }

    /// Bytes or records read so far, in the unit of [`Input::extent`].
    pub fn progress(&self) -> Arc<AtomicU64> {
        self.read.clone()
    }

    /// Reads the whole input, handing on each study or failure in input order.
    pub fn read(self, emit: &mut Emit<'_>) -> Result<(), InputError> {
        match self.source {
            Source::Folder(files) => {
                for path in files {
                    let item = folder_record(&path);
                    self.read.fetch_add(1, Ordering::Relaxed);
                    if emit(item).is_break() {
                        break;
                    }
                }
                Ok(())
            }
            Source::File { path, .. } => {
                let shown = path.display().to_string();
                let file = File::open(&path).map_err(|source| InputError::Open {
                    path: shown.clone(),
                    source,
                })?;
                let counted = Counted {
                    inner: file,
                    read: self.read,
                };
                read_any(
                    BufReader::with_capacity(BUFFER, counted),
                    &shown,
                    stem(&shown),
                    self.format,
                    emit,
                )
                .map_err(|source| InputError::Open {
                    path: shown,
                    source,
                })
            }
            Source::Stdin => {
                let stdin = io::stdin().lock();
                read_any(
                    BufReader::with_capacity(BUFFER, stdin),
                    "standard input",
                    None,
                    self.format,
                    emit,
                )
                .map_err(|source| InputError::Open {
                    path: "standard input".into(),
                    source,
                })
            }
        }
    }
}

/// One record of a folder: the file is the study.
pub fn folder_record(path: &Path) -> Item {
    let position = Position {
        source: path.display().to_string().into(),
        place: Place::Whole,
    };
    match std::fs::read(path) {
        Ok(bytes) => Item::Study(Study {
            position,
            name: stem(&path.to_string_lossy()),
            bytes,
        }),
        Err(e) => Item::Failed(Failure {
            position,
            nct_id: None,
            reason: format!("cannot read: {e}"),
        }),
    }
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Folder => "folder",
            InputFormat::Array => "array",
            InputFormat::Page => "page",
            InputFormat::Lines => "jsonl",
            InputFormat::Zip => "zip",
        }
    }
}

/// A file or standard input: an archive when it says so or starts like one, else JSON.
fn read_any<R: BufRead>(
    mut reader: R,
    source: &str,
    name: Option<String>,
    format: InputFormat,
    emit: &mut Emit<'_>,
) -> io::Result<()> {
    let zipped = match format {
        InputFormat::Zip => true,
        InputFormat::Auto => is_zip(reader.fill_buf()?),
        _ => false,
    };
    if zipped {
        read_archive(reader, source, emit);
    } else {
        let mut scan = Scanner::new(reader);
        let _ = read_json(&mut scan, source.into(), name, format, emit);
    }
    Ok(())
}

/// Each entry of an archive in turn, read as its own input. A damaged entry ends the archive:
/// where the next entry starts cannot be known.
fn read_archive<R: BufRead>(reader: R, source: &str, emit: &mut Emit<'_>) {
    let mut archive = Archive::new(reader);
    let whole = |reason: String| {
        Item::Failed(Failure {
            position: Position {
                source: source.into(),
                place: Place::Whole,
            },
            nct_id: None,
            reason,
        })
    };
    loop {
        let entry = match archive.next_entry() {
            Ok(Some(entry)) => entry,
            Ok(None) => return,
            Err(e) => {
                let _ = emit(whole(e.to_string()));
                return;
            }
        };
        let entry_source: Arc<str> = format!("{source}:{}", entry.name).into();
        let mut content = archive.open(&entry);
        let mut scan = Scanner::new(BufReader::with_capacity(BUFFER, &mut content));
        // A JSON file by its name, or one with another name that begins like JSON; a README
        // or a folder is passed over.
        let holds_records = match entry_kind(&entry.name) {
            EntryKind::Records => true,
            EntryKind::Other => matches!(scan.peek(None), Ok(Some(b'[' | b'{'))),
            EntryKind::Metadata => false,
        };
        if holds_records {
            let read = read_json(
                &mut scan,
                entry_source.clone(),
                stem(&entry.name),
                InputFormat::Auto,
                emit,
            );
            if read.is_err() {
                // The study it stopped in is reported; the archive cannot be read past it.
                return;
            }
        } else if entry_kind(&entry.name) == EntryKind::Other
            && emit(Item::Skipped(entry_source.to_string())).is_break()
        {
            return;
        }
        drop(scan);
        if let Err(e) = content.finish() {
            let _ = emit(Item::Failed(Failure {
                position: Position {
                    source: entry_source,
                    place: Place::Whole,
                },
                nct_id: None,
                reason: e.to_string(),
            }));
            return;
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum EntryKind {
    /// JSON or JSON Lines by its name.
    Records,
    /// A folder, macOS's resource forks, a hidden file: never records, not worth a word.
    Metadata,
    Other,
}

fn entry_kind(name: &str) -> EntryKind {
    let lower = name.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if lower.ends_with('/') || lower.starts_with("__macosx/") || file.starts_with('.') {
        EntryKind::Metadata
    } else if file.ends_with(".json") || file.ends_with(".jsonl") || file.ends_with(".ndjson") {
        EntryKind::Records
    } else {
        EntryKind::Other
    }
}

/// The file name without folders and extension.
pub(super) fn stem(name: &str) -> Option<String> {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && s != "-")
}

/// A reader that tells how many bytes went through it, for progress.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(input: &[u8], format: InputFormat, source: &str) -> Vec<Item> {
        let mut found = Vec::new();
        read_any(
            io::BufReader::with_capacity(16, input),
            source,
            stem(source),
            format,
            &mut |i| {
                found.push(i);
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        found
    }

    fn describe(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Study(s) => format!("{} = {}", s.position, String::from_utf8_lossy(&s.bytes)),
                Item::Failed(f) => format!("failed {f}"),
                Item::Skipped(s) => format!("skipped {s}"),
            })
            .collect()
    }

    #[test]
    fn an_array_gives_each_element_as_it_was_written() {
        let found = items(
            b" [ {\"a\": [1, \"]\"]} ,\n{\"b\":2}, 3 ] ",
            InputFormat::Auto,
            "x.json",
        );
        assert_eq!(
            describe(&found),
            [
                "x.json, study 1 = {\"a\": [1, \"]\"]}",
                "x.json, study 2 = {\"b\":2}",
                "x.json, study 3 = 3"
            ]
        );
    }

    #[test]
    fn a_page_gives_its_studies_and_a_lone_object_is_one_study() {
        let page = br#"{"totalCount": 2, "studies": [{"s": 1}, {"s": 2}], "nextPageToken": "abc"}"#;
        assert_eq!(
            describe(&items(page, InputFormat::Auto, "p.json")),
            [
                "p.json, study 1 = {\"s\": 1}",
                "p.json, study 2 = {\"s\": 2}"
            ]
        );
        let study = b"{\n  \"protocolSection\": {\"studies\": 1}\n}\n";
        let found = items(study, InputFormat::Auto, "dir/NCT01.json");
        assert_eq!(
            describe(&found),
            ["dir/NCT01.json = {\n  \"protocolSection\": {\"studies\": 1}\n}"]
        );
        let Item::Study(s) = &found[0] else { panic!() };
        assert_eq!(s.name.as_deref(), Some("NCT01"));
    }

    #[test]
    fn json_lines_are_told_by_their_shape_and_numbered_by_line() {
        let lines = b"{\"a\": 1}\n\n{\"b\": oops}\n{\"c\": 3}";
        assert_eq!(
            describe(&items(lines, InputFormat::Auto, "standard input")),
            [
                "standard input, line 1 = {\"a\": 1}",
                "standard input, line 3 = {\"b\": oops}",
                "standard input, line 4 = {\"c\": 3}"
            ]
        );
    }

    #[test]
    fn an_array_cut_short_reports_the_study_it_ends_in_with_its_id() {
        let cut = br#"[{"a": 1}, {"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "x": [1"#;
        assert_eq!(
            describe(&items(cut, InputFormat::Auto, "c.json")),
            [
                "c.json, study 1 = {\"a\": 1}",
                "failed c.json, study 2 (NCT01234567): the input ends in the middle of this study"
            ]
        );
    }

    #[test]
    fn a_forced_format_that_does_not_fit_says_so() {
        let found = items(b"{\"a\": 1}", InputFormat::Array, "x.json");
        assert_eq!(
            describe(&found),
            ["failed x.json: not a JSON array of studies: it starts with '{'"]
        );
    }
}
