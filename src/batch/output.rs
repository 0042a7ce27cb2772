//! Where `laysum batch` writes pages: a folder (one file per study), a JSON Lines file (one page
//! per line, for a website or a database to load in one go), or standard output.

use crate::Format;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Where pages go, told by `--out`: `-` is standard output, a `.jsonl` or `.ndjson` file is JSON
/// Lines, anything else a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Folder(PathBuf),
    Lines(PathBuf),
    Stdout,
}

impl Destination {
    pub fn from_path(path: &Path) -> Self {
        let lower = path.to_string_lossy().to_ascii_lowercase();
        if path.as_os_str() == "-" {
            Destination::Stdout
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            Destination::Lines(path.to_owned())
        } else {
            Destination::Folder(path.to_owned())
        }
    }
}

/// Why pages cannot be written at all (one page that cannot be written fails alone instead).
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot create {path}: {source}")]
    Create { path: String, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: io::Error },
}

/// An open destination.
pub struct Output {
    destination: Destination,
    format: Format,
    lines: Option<BufWriter<Box<dyn Write + Send>>>,
}

/// A Markdown or HTML page on a line of JSON Lines; a JSON page is its own line.
#[derive(Serialize)]
struct PageLine<'a> {
    nct_id: &'a str,
    format: &'static str,
    page: &'a str,
}

impl Output {
    /// Creates the folder or the file.
    pub fn open(destination: Destination, format: Format) -> Result<Output, OutputError> {
        let shown = |p: &Path| p.display().to_string();
        let lines: Option<Box<dyn Write + Send>> = match &destination {
            Destination::Folder(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| OutputError::Create {
                    path: shown(dir),
                    source,
                })?;
                None
            }
            Destination::Lines(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| OutputError::Create {
                        path: shown(parent),
                        source,
                    })?;
                }
                let file = File::create(path).map_err(|source| OutputError::Create {
                    path: shown(path),
                    source,
                })?;
                Some(Box::new(file))
            }
            Destination::Stdout => Some(Box::new(io::stdout())),
        };
        Ok(Output {
            destination,
            format,
            lines: lines.map(|w| BufWriter::with_capacity(256 * 1024, w)),
        })
    }

    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// For a folder, what writes one page's file; workers may write their pages themselves,
    /// since files need no order.
    pub fn folder(&self) -> Option<FolderWriter> {
        match &self.destination {
            Destination::Folder(dir) => Some(FolderWriter {
                dir: dir.clone(),
                format: self.format,
            }),
            _ => None,
        }
    }

    /// Writes one page. `Ok(Err(reason))`: this page could not be written (a folder file), the
    /// others may be; `Err`: nothing more can be written.
    pub fn write(
        &mut self,
        name: Option<&str>,
        nct_id: &str,
        page: &str,
    ) -> Result<Result<(), String>, OutputError> {
        match (&self.destination, &mut self.lines) {
            (Destination::Folder(dir), _) => Ok(FolderWriter {
                dir: dir.clone(),
                format: self.format,
            }
            .write(name, nct_id, page)),
            (_, Some(lines)) => {
                let written = if self.format == Format::Json {
                    lines.write_all(page.trim_end().as_bytes())
                } else {
                    let line = PageLine {
                        nct_id,
                        format: match self.format {
                            Format::Markdown => "markdown",
                            _ => "html",
                        },
                        page,
                    };
                    serde_json::to_writer(&mut *lines, &line).map_err(io::Error::from)
                };
                written
                    .and_then(|()| lines.write_all(b"\n"))
                    .map_err(|source| self.write_error(source))?;
                Ok(Ok(()))
            }
            (_, None) => unreachable!("a lines destination opens its writer"),
        }
    }

    fn write_error(&self, source: io::Error) -> OutputError {
        OutputError::Write {
            path: match &self.destination {
                Destination::Folder(p) | Destination::Lines(p) => p.display().to_string(),
                Destination::Stdout => "standard output".into(),
            },
            source,
        }
    }

    /// Writes out what is buffered.
    pub fn finish(&mut self) -> Result<(), OutputError> {
        if let Some(mut lines) = self.lines.take() {
            lines.flush().map_err(|source| self.write_error(source))?;
        }
        Ok(())
    }
}

/// Writes pages as files of a folder.
#[derive(Debug, Clone)]
pub struct FolderWriter {
    dir: PathBuf,
    format: Format,
}

impl FolderWriter {
    /// Writes one page as `NAME.ext`, `NAME` being the study's file name or else its NCT id;
    /// `Err` says why it could not be.
    pub fn write(&self, name: Option<&str>, nct_id: &str, page: &str) -> Result<(), String> {
        let file = format!(
            "{}.{}",
            file_name(name.unwrap_or(nct_id)),
            self.format.extension()
        );
        let target = self.dir.join(file);
        std::fs::write(&target, page).map_err(|e| format!("cannot write {}: {e}", target.display()))
    }
}

/// A page's file name from a record's NCT id or file name: a record is not trusted to name a
/// path, so anything but letters, digits, `-`, `_` and inner dots becomes `_`.
fn file_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() {
        "_".into()
    } else {
        clean.chars().take(200).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_cannot_name_a_path_outside_the_folder() {
        assert_eq!(file_name("NCT01234567"), "NCT01234567");
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name(".."), "_");
        assert_eq!(file_name("a/b\\c d"), "a_b_c_d");
    }

    #[test]
    fn out_names_the_destination() {
        assert_eq!(Destination::from_path(Path::new("-")), Destination::Stdout);
        assert_eq!(
            Destination::from_path(Path::new("pages.JSONL")),
            Destination::Lines("pages.JSONL".into())
        );
        assert_eq!(
            Destination::from_path(Path::new("pages")),
            Destination::Folder("pages".into())
        );
    }
}
