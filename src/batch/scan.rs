//! Where each study starts and ends in a stream of JSON, found without building it.
//!
//! A download of the whole registry is a 10 GB array: parsing it into values first would hold
//! it all in memory, and a syntax error in one study would end the run. The scanner only tracks
//! strings and bracket depth, so it hands out each value's bytes exactly as they came — the
//! pipeline then parses them and, for a broken study, names the fault — and it moves on to the
//! next value. Inside strings, where most of a record's bytes are, it jumps from quote to
//! backslash with `memchr`, so finding the studies costs a small part of parsing them.

use memchr::{memchr, memchr2};
use std::io::{self, BufRead};

/// Why a value could not be read to its end.
#[derive(Debug)]
pub enum ScanError {
    /// The input ended in the middle of a value.
    Truncated,
    /// Reading the input failed (an archive cut short or damaged shows up here).
    Read(io::Error),
}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        ScanError::Read(e)
    }
}

/// Where a value stands while its bytes go by; kept across buffer boundaries.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueEnd {
    depth: u32,
    in_string: bool,
    escaped: bool,
    started: bool,
}

impl ValueEnd {
    /// Inside an object or array already opened (its opening bracket read by the caller).
    pub fn inside(depth: u32) -> Self {
        ValueEnd {
            depth,
            started: true,
            ..Default::default()
        }
    }

    /// Reads `chunk`; the length of the value's last part in it, if the value ends there.
    pub fn advance(&mut self, chunk: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < chunk.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr2(b'"', b'\\', &chunk[i..]) {
                    None => return None,
                    Some(k) => {
                        i += k;
                        if chunk[i] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                            if self.depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        i += 1;
                        continue;
                    }
                }
            }
            if self.depth > 0 {
                // Inside a study, only quotes and brackets matter: jump to the next one.
                i = next_quote_or_bracket(chunk, i);
                if i == chunk.len() {
                    return None;
                }
            }
            match chunk[i] {
                b'"' => {
                    self.in_string = true;
                    self.started = true;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.started = true;
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        // A bare number or word ends where its container closes.
                        return Some(i);
                    }
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                b',' | b' ' | b'\t' | b'\n' | b'\r' if self.depth == 0 && self.started => {
                    return Some(i);
                }
                _ => self.started = true,
            }
            i += 1;
        }
        None
    }

    /// Whether the input may end here: a bare number or word at the top is complete at the end.
    fn complete_at_end(&self) -> bool {
        self.started && self.depth == 0 && !self.in_string
    }
}

/// The first byte from `at` that may be a quote or a bracket, eight bytes at a time: setting
/// bit 5 folds `[` onto `{` and `]` onto `}`, so three comparisons cover the five characters.
/// (A control byte 0x02 also matches; the caller looks at the byte itself.) The padding
/// between a record's tokens — indentation in a pretty-printed download — is skipped this way
/// at several bytes a cycle.
fn next_quote_or_bracket(chunk: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    while let Some(word) = chunk.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let folded = word | (ONES * 0x20);
        let found = zero_byte(folded ^ (ONES * u64::from(b'"')))
            | zero_byte(folded ^ (ONES * u64::from(b'{')))
            | zero_byte(folded ^ (ONES * u64::from(b'}')));
        if found != 0 {
            // The lowest match is exact; only bytes above it can be false alarms.
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < chunk.len() && !matches!(chunk[at] | 0x20, b'"' | b'{' | b'}') {
        at += 1;
    }
    at
}

/// The length of the first value of `bytes` when it ends within them.
pub fn first_value_len(bytes: &[u8]) -> Option<usize> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    ValueEnd::default()
        .advance(&bytes[start..])
        .map(|n| start + n)
}

/// A stream of JSON read value by value.
pub struct Scanner<R> {
    reader: R,
    consumed: u64,
}

impl<R: BufRead> Scanner<R> {
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            consumed: 0,
        }
    }

    /// Bytes read so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// What the reader holds now, unread (for a look at the start of the input).
    pub fn buffered(&mut self) -> io::Result<&[u8]> {
        self.reader.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.reader.consume(n);
        self.consumed += n as u64;
    }

    /// Skips whitespace, copying it to `out` when given; the next byte, left unread.
    pub fn peek(&mut self, mut out: Option<&mut Vec<u8>>) -> io::Result<Option<u8>> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let ws = chunk
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(chunk.len());
            let next = chunk.get(ws).copied();
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&chunk[..ws]);
            }
            self.consume(ws);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Takes the next byte (the caller has peeked it), copying it to `out` when given.
    pub fn bump(&mut self, out: Option<&mut Vec<u8>>) -> io::Result<()> {
        let chunk = self.reader.fill_buf()?;
        if let (Some(out), Some(&b)) = (out, chunk.first()) {
            out.push(b);
        }
        if !chunk.is_empty() {
            self.consume(1);
        }
        Ok(())
    }

    /// Reads one value from where the scanner stands, appending its bytes to `out`.
    pub fn value(&mut self, out: &mut Vec<u8>) -> Result<(), ScanError> {
        self.value_from(ValueEnd::default(), out)
    }

    /// Reads on to the end of a value whose state is `state`, appending its bytes to `out`.
    pub fn value_from(&mut self, mut state: ValueEnd, out: &mut Vec<u8>) -> Result<(), ScanError> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return if state.complete_at_end() {
                    Ok(())
                } else {
                    Err(ScanError::Truncated)
                };
            }
            let end = state.advance(chunk);
            let used = end.unwrap_or(chunk.len());
            out.extend_from_slice(&chunk[..used]);
            self.consume(used);
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// Reads the rest of the line, without its line break, into `out`; false at the end.
    pub fn line(&mut self, out: &mut Vec<u8>) -> io::Result<bool> {
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(any);
            }
            any = true;
            match memchr(b'\n', chunk) {
                Some(i) => {
                    out.extend_from_slice(&chunk[..i]);
                    self.consume(i + 1);
                    return Ok(true);
                }
                None => {
                    let n = chunk.len();
                    out.extend_from_slice(chunk);
                    self.consume(n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of a stream of values separated by commas or whitespace, read through a
    /// buffer of `capacity` bytes so values cross buffer boundaries.
    fn values(input: &str, capacity: usize) -> Vec<String> {
        let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
        let mut scan = Scanner::new(reader);
        let mut found = Vec::new();
        while let Some(b) = scan.peek(None).unwrap() {
            if b == b',' {
                scan.bump(None).unwrap();
                continue;
            }
            let mut v = Vec::new();
            scan.value(&mut v).unwrap();
            found.push(String::from_utf8(v).unwrap());
        }
        found
    }

    #[test]
    fn values_come_out_byte_for_byte_whatever_the_buffer_size() {
        let input = r#"{"a": "x}\"]", "b": [1, {"c": null}]} ,[ ] 12.5e3 "s\\" true {"d":"\\\""}"#;
        let expected = vec![
            r#"{"a": "x}\"]", "b": [1, {"c": null}]}"#,
            "[ ]",
            "12.5e3",
            r#""s\\""#,
            "true",
            r#"{"d":"\\\""}"#,
        ];
        for capacity in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(values(input, capacity), expected, "buffer of {capacity}");
        }
    }

    #[test]
    fn the_jump_to_the_next_quote_or_bracket_misses_none() {
        let text = b"ab: 12,\n      \x01true [x] {y} \"z\"  , null        ]";
        for start in 0..text.len() {
            let expected = (start..text.len())
                .find(|&i| b"\"{}[]".contains(&text[i]))
                .unwrap_or(text.len());
            assert_eq!(next_quote_or_bracket(text, start), expected, "from {start}");
        }
    }

    #[test]
    fn a_value_cut_short_is_truncated() {
        let mut scan = Scanner::new(io::BufReader::new(&br#"{"a": [1, 2"#[..]));
        let mut v = Vec::new();
        assert!(matches!(scan.value(&mut v), Err(ScanError::Truncated)));
        assert_eq!(v, br#"{"a": [1, 2"#);
    }

    #[test]
    fn first_value_len_finds_a_complete_line() {
        assert_eq!(first_value_len(b"  {\"a\": 1}\n{\"b\""), Some(10));
        assert_eq!(first_value_len(b"{\"a\": \n 1"), None);
    }
}
