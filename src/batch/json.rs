//! The JSON forms of an input: a sequence of values, each an array of studies, an API page
//! (`{"studies": [...]}`) or one study; or JSON Lines, one study per line.
//!
//! The studies of an array or a page are handed on one by one as the scanner finds them; an
//! object is looked at key by key, kept only until it turns out to be a page. A study that
//! breaks the stream (an input cut short, a read error) is reported with its place and, when
//! its bytes name one, its NCT id; a study that is merely not valid JSON goes on to the pipeline,
//! which says what is wrong with it.

use super::input::{Emit, Failure, InputFormat, Item, Place, Position, Study};
use super::scan::{first_value_len, ScanError, Scanner, ValueEnd};
use memchr::memmem;
use std::io::{self, BufRead};
use std::sync::Arc;

/// The stream broke (an I/O error or its end in the middle of a value), and that was reported.
pub(super) struct Broken;

/// One JSON input: JSON Lines, or a sequence of values each of which is an array of studies, an
/// API page or one study.
pub(super) fn read_json<R: BufRead>(
    scan: &mut Scanner<R>,
    source: Arc<str>,
    name: Option<String>,
    format: InputFormat,
    emit: &mut Emit<'_>,
) -> Result<(), Broken> {
    let mut reading = Reading {
        source,
        studies: 0,
        largest: 0,
        emit,
    };
    let lines = match format {
        InputFormat::Lines => true,
        InputFormat::Auto => {
            is_lines_name(&reading.source) || scan.buffered().is_ok_and(looks_like_lines)
        }
        _ => false,
    };
    if lines {
        return reading.lines(scan);
    }
    let mut values = 0;
    loop {
        let next = match scan.peek(None) {
            Ok(next) => next,
            Err(e) => return Err(reading.broke_between(e)),
        };
        let Some(first) = next else { return Ok(()) };
        values += 1;
        let expected = match (format, first) {
            (InputFormat::Array, b'[') | (InputFormat::Page, b'{') => None,
            (InputFormat::Array, _) => Some("a JSON array of studies"),
            (InputFormat::Page, _) => Some("an API page ({\"studies\": [...]})"),
            _ => None,
        };
        if let Some(expected) = expected {
            let _ = reading.fail(
                Place::Whole,
                None,
                format!("not {expected}: it starts with {:?}", char::from(first)),
            );
            return Err(Broken);
        }
        match first {
            b'[' => reading.array(scan)?,
            b'{' => reading.object(scan, values == 1, name.as_deref(), format)?,
            _ => {
                // Not a study; the pipeline says what it is.
                reading.studies += 1;
                let place = Place::Study(reading.studies);
                let mut bytes = Vec::new();
                if let Err(e) = scan.value(&mut bytes) {
                    return Err(reading.broke(place, &bytes, e));
                }
                if bytes.is_empty() {
                    // A stray closing bracket: step over it so reading goes on.
                    let _ = scan.bump(None);
                }
                reading.study(place, None, bytes)?;
            }
        }
    }
}

/// Whether the start of an input looks like JSON Lines: a first object on one line, then
/// another object on the next.
fn looks_like_lines(start: &[u8]) -> bool {
    let Some(len) = first_value_len(start) else {
        return false;
    };
    let first = &start[..len];
    if !first.trim_ascii_start().starts_with(b"{") || memchr::memchr(b'\n', first).is_some() {
        return false;
    }
    let rest = &start[len..];
    let Some(newline) = memchr::memchr(b'\n', rest) else {
        return false;
    };
    rest[..newline].iter().all(u8::is_ascii_whitespace)
        && rest[newline + 1..].trim_ascii_start().starts_with(b"{")
}

/// The most a study's buffer starts with; a larger study grows its own.
const BUFFER_HINT_MAX: usize = 1 << 20;

/// The reading of one JSON input: where it stands and where studies go.
struct Reading<'e, 'f> {
    source: Arc<str>,
    /// Studies met so far, numbered from 1.
    studies: usize,
    /// The largest study so far (up to [`BUFFER_HINT_MAX`]): the next one's buffer starts at
    /// that size, not growing from nothing by copies.
    largest: usize,
    emit: &'e mut Emit<'f>,
}

impl Reading<'_, '_> {
    fn position(&self, place: Place) -> Position {
        Position {
            source: self.source.clone(),
            place,
        }
    }

    /// Hands on a study; `Err` when the run wants no more.
    fn study(&mut self, place: Place, name: Option<String>, bytes: Vec<u8>) -> Result<(), Broken> {
        let position = self.position(place);
        let flow = (self.emit)(Item::Study(Study {
            position,
            name,
            bytes,
        }));
        flow.is_continue().then_some(()).ok_or(Broken)
    }

    fn fail(&mut self, place: Place, nct_id: Option<String>, reason: String) -> Result<(), Broken> {
        let position = self.position(place);
        let flow = (self.emit)(Item::Failed(Failure {
            position,
            nct_id,
            reason,
        }));
        flow.is_continue().then_some(()).ok_or(Broken)
    }

    /// Reports the study the stream broke in.
    fn broke(&mut self, place: Place, partial: &[u8], e: ScanError) -> Broken {
        let reason = match e {
            ScanError::Truncated => "the input ends in the middle of this study".to_owned(),
            ScanError::Read(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                "the archive is cut short in the middle of this study".to_owned()
            }
            ScanError::Read(e) => format!("cannot read the input here: {e}"),
        };
        let _ = self.fail(place, nct_id_in(partial), reason);
        Broken
    }

    /// Reports a stream that broke between two studies.
    fn broke_between(&mut self, e: io::Error) -> Broken {
        let reason = if e.kind() == io::ErrorKind::UnexpectedEof {
            format!("the archive is cut short after study {}", self.studies)
        } else {
            format!("cannot read the input after study {}: {e}", self.studies)
        };
        let _ = self.fail(Place::Whole, None, reason);
        Broken
    }

    /// JSON Lines: each line is a study; a bad line fails alone.
    fn lines<R: BufRead>(&mut self, scan: &mut Scanner<R>) -> Result<(), Broken> {
        let mut line = 0;
        loop {
            let mut bytes = Vec::with_capacity(self.largest);
            match scan.line(&mut bytes) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    line += 1;
                    return Err(self.broke(Place::Line(line), &bytes, e.into()));
                }
            }
            line += 1;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.studies += 1;
            self.largest = self.largest.max(bytes.len().min(BUFFER_HINT_MAX));
            self.study(Place::Line(line), None, bytes)?;
        }
    }

    /// The studies of an array, from its `[` to its `]`.
    fn array<R: BufRead>(&mut self, scan: &mut Scanner<R>) -> Result<(), Broken> {
        scan.bump(None).map_err(|e| self.broke_between(e))?;
        loop {
            match scan.peek(None) {
                Ok(Some(b']')) => {
                    scan.bump(None).map_err(|e| self.broke_between(e))?;
                    return Ok(());
                }
                Ok(Some(b',')) => scan.bump(None).map_err(|e| self.broke_between(e))?,
                Ok(Some(_)) => {
                    self.studies += 1;
                    let place = Place::Study(self.studies);
                    let mut bytes = Vec::with_capacity(self.largest);
                    if let Err(e) = scan.value(&mut bytes) {
                        return Err(self.broke(place, &bytes, e));
                    }
                    if bytes.is_empty() {
                        // A stray `}` where a study should be: step over it so reading goes on.
                        let _ = scan.bump(Some(&mut bytes));
                    }
                    self.largest = self.largest.max(bytes.len().min(BUFFER_HINT_MAX));
                    self.study(place, None, bytes)?;
                }
                Ok(None) => {
                    let reason = format!(
                        "the input ends inside the array, after study {}",
                        self.studies
                    );
                    let _ = self.fail(Place::Whole, None, reason);
                    return Err(Broken);
                }
                Err(e) => return Err(self.broke_between(e)),
            }
        }
    }

    /// An object: an API page, whose `studies` are streamed, or else one study. Its keys are
    /// looked at one by one; until `studies` turns up its bytes are kept, since it may be a study.
    fn object<R: BufRead>(
        &mut self,
        scan: &mut Scanner<R>,
        first_value: bool,
        name: Option<&str>,
        format: InputFormat,
    ) -> Result<(), Broken> {
        let mut raw = Vec::new();
        let mut page = false;
        let place = Place::Study(self.studies + 1);
        scan.bump(Some(&mut raw))
            .map_err(|e| self.broke_between(e))?;
        loop {
            let mut skipped = Vec::new();
            let keep = if page { &mut skipped } else { &mut raw };
            let next = scan
                .peek(Some(keep))
                .map_err(ScanError::Read)
                .and_then(|next| next.ok_or(ScanError::Truncated));
            let next = match next {
                Ok(b) => b,
                Err(e) => return Err(self.object_broke(page, place, &raw, e)),
            };
            match next {
                b'}' => {
                    let _ = scan.bump(Some(keep));
                    break;
                }
                b',' => {
                    let _ = scan.bump(Some(keep));
                    continue;
                }
                b'"' => {}
                _ => {
                    // Not a key: not well-formed, so not a page either. Read on to the end of
                    // the object and let the pipeline name the fault.
                    if let Err(e) = scan.value_from(ValueEnd::inside(1), keep) {
                        return Err(self.object_broke(page, place, &raw, e));
                    }
                    break;
                }
            }
            let mut key = Vec::new();
            let step = scan
                .value(&mut key)
                .and_then(|()| {
                    keep.extend_from_slice(&key);
                    scan.peek(Some(keep)).map_err(ScanError::Read)
                })
                .and_then(|colon| match colon {
                    Some(b':') => {
                        scan.bump(Some(keep))?;
                        Ok(scan.peek(Some(keep))?)
                    }
                    Some(_) => Ok(None),
                    None => Err(ScanError::Truncated),
                });
            let value_start = match step {
                Ok(v) => v,
                Err(e) => return Err(self.object_broke(page, place, &raw, e)),
            };
            if !page && key == b"\"studies\"" && value_start == Some(b'[') {
                // An API page: what was kept is its head, not a study.
                page = true;
                raw = Vec::new();
                self.array(scan)?;
                continue;
            }
            if value_start.is_none() {
                // A key without its colon: not well-formed. As above.
                if let Err(e) = scan.value_from(ValueEnd::inside(1), keep) {
                    return Err(self.object_broke(page, place, &raw, e));
                }
                break;
            }
            if let Err(e) = scan.value(keep) {
                return Err(self.object_broke(page, place, &raw, e));
            }
        }
        if page {
            return Ok(());
        }
        if format == InputFormat::Page {
            let _ = self.fail(
                Place::Whole,
                nct_id_in(&raw),
                "not an API page: it has no \"studies\" array".into(),
            );
            return Err(Broken);
        }
        self.studies += 1;
        // Alone in its file, a study keeps the file's name, as a folder's records do.
        let alone = first_value && scan.peek(None).is_ok_and(|next| next.is_none());
        let (place, name) = if alone {
            (Place::Whole, name.map(str::to_owned))
        } else {
            (place, None)
        };
        self.study(place, name, raw)
    }

    fn object_broke(&mut self, page: bool, place: Place, raw: &[u8], e: ScanError) -> Broken {
        if page {
            // Past its studies, a page's tail breaking costs no study.
            let reason = match e {
                ScanError::Truncated => "the input ends inside the page, after its studies".into(),
                ScanError::Read(e) => {
                    format!("cannot read the input after the page's studies: {e}")
                }
            };
            let _ = self.fail(Place::Whole, None, reason);
            Broken
        } else {
            self.broke(place, raw, e)
        }
    }
}

/// The NCT id a study's bytes name, for a message about a study that could not be read whole.
pub fn nct_id_in(bytes: &[u8]) -> Option<String> {
    let at = memmem::find(bytes, b"\"nctId\"")? + 7;
    let rest = bytes[at..].trim_ascii_start().strip_prefix(b":")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let end = rest.iter().take(32).position(|&b| b == b'"')?;
    let id = std::str::from_utf8(&rest[..end]).ok()?.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

fn is_lines_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".jsonl") || lower.ends_with(".ndjson")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nct_id_is_found_in_a_broken_record() {
        assert_eq!(
            nct_id_in(br#"{"identificationModule": { "nctId" : "NCT07635758", oops"#).as_deref(),
            Some("NCT07635758")
        );
        assert_eq!(nct_id_in(br#"{"nctId": 5}"#), None);
    }
}
