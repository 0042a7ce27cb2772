//! Where each study starts and ends in a stream of JSON, found without building it.
//!
//! A download of the whole registry is a 10 GB array: parsing it into values first would hold
//! it all in memory, and a syntax error in one study would end the run. The scanner only tracks
//! strings and bracket depth, so it hands out each value's bytes exactly as they came — the
//! pipeline then parses them and, for a broken study, names the fault — and it moves on to the
//! next value. Inside a study it reads 64 bytes a step as bit masks (`ValueEnd::block`); the
//! few bytes between studies and at the end of a buffer go byte by byte, with `memchr` jumps
//! inside strings. Finding the studies costs a small part of parsing them.

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
            if self.depth > 0 {
                // Inside a container, 64 bytes at a time while they last.
                while let Some(block) = chunk.get(i..i + 64) {
                    if let Some(end) = self.block(block.try_into().expect("64 bytes")) {
                        return Some(i + end);
                    }
                    i += 64;
                }
                if i == chunk.len() {
                    return None;
                }
            }
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

    /// Reads a block of 64 bytes inside a container, with no byte-by-byte branches: which bytes
    /// are quotes, backslashes and brackets comes as bit masks (`Block`), strings as the running
    /// parity of their unescaped quotes, and the depth changes by the brackets outside them.
    /// The length of the value's last part in the block, if the value ends there.
    fn block(&mut self, bytes: &[u8; 64]) -> Option<usize> {
        let block = Block::of(bytes);
        let escaped = self.escaped_bits(block.backslash);
        let quotes = block.quote & !escaped;
        // Bits inside strings, an opening quote included and a closing one not.
        let strings = prefix_xor(quotes) ^ if self.in_string { !0 } else { 0 };
        self.in_string = strings >> 63 == 1;
        // A backslash escapes only inside a string (outside one the JSON is broken anyway).
        self.escaped &= self.in_string;
        let opens = block.open & !strings;
        let closes = block.close & !strings;
        // A block holds few brackets: stepping through them costs less than counting them
        // (x86-64's baseline has no popcount instruction).
        let mut brackets = opens | closes;
        while brackets != 0 {
            let at = brackets.trailing_zeros();
            brackets &= brackets - 1;
            if opens >> at & 1 == 1 {
                self.depth += 1;
            } else {
                self.depth -= 1;
                if self.depth == 0 {
                    self.in_string = false;
                    self.escaped = false;
                    return Some(at as usize + 1);
                }
            }
        }
        None
    }

    /// The bytes escaped by a backslash (the byte after an odd run of them), runs carried over
    /// from the block before. simdjson's method: adding the odd-starting runs to the backslashes
    /// carries each run to its end, which tells odd runs from even ones without a loop.
    fn escaped_bits(&mut self, backslash: u64) -> u64 {
        const EVEN: u64 = 0x5555_5555_5555_5555;
        let carried = u64::from(self.escaped);
        let backslash = backslash & !carried;
        let follows_escape = backslash << 1 | carried;
        let odd_starts = backslash & !EVEN & !follows_escape;
        let (even_runs_ends, overflow) = odd_starts.overflowing_add(backslash);
        self.escaped = overflow;
        let invert = even_runs_ends << 1;
        (EVEN ^ invert) & follows_escape
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

/// Where the bytes that matter to [`ValueEnd`] are in a block of 64: bit `i` for byte `i`.
#[derive(Debug, Default, PartialEq)]
struct Block {
    quote: u64,
    backslash: u64,
    /// `{` or `[`.
    open: u64,
    /// `}` or `]`.
    close: u64,
}

impl Block {
    /// Sixteen bytes a step with SSE2, which every x86-64 processor has. Setting bit 5 folds
    /// `[` onto `{` and `]` onto `}` (and nothing else onto them).
    #[cfg(target_arch = "x86_64")]
    fn of(bytes: &[u8; 64]) -> Block {
        // SAFETY: SSE2 is part of the x86-64 baseline; every x86-64 processor has it.
        unsafe { Self::of_sse2(bytes) }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    fn of_sse2(bytes: &[u8; 64]) -> Block {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
        };
        #[target_feature(enable = "sse2")]
        fn bits(x: __m128i, c: u8) -> u64 {
            u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8))) as u16)
        }
        let mut block = Block::default();
        for (k, part) in bytes.chunks_exact(16).enumerate() {
            let lo = i64::from_le_bytes(part[..8].try_into().expect("8 bytes"));
            let hi = i64::from_le_bytes(part[8..].try_into().expect("8 bytes"));
            let v = _mm_set_epi64x(hi, lo);
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let shift = 16 * k;
            block.quote |= bits(v, b'"') << shift;
            block.backslash |= bits(v, b'\\') << shift;
            block.open |= bits(folded, b'{') << shift;
            block.close |= bits(folded, b'}') << shift;
        }
        block
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn of(bytes: &[u8; 64]) -> Block {
        let mut block = Block::default();
        for (i, &b) in bytes.iter().enumerate() {
            let bit = 1 << i;
            match b {
                b'"' => block.quote |= bit,
                b'\\' => block.backslash |= bit,
                b'{' | b'[' => block.open |= bit,
                b'}' | b']' => block.close |= bit,
                _ => {}
            }
        }
        block
    }
}

/// Bit `i` of the result is the parity of bits `0..=i` of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
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

    /// Where each value of `input` ends, by serde_json: the oracle for the scanner.
    fn ends_by_serde(input: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut stream =
            serde_json::Deserializer::from_slice(input).into_iter::<serde::de::IgnoredAny>();
        while let Some(value) = stream.next() {
            value.unwrap();
            ends.push(stream.byte_offset());
        }
        ends
    }

    /// Where each value of `input` ends, by the scanner reading through a buffer of `capacity`.
    fn ends_by_scanner(input: &[u8], capacity: usize) -> Vec<usize> {
        let mut scan = Scanner::new(io::BufReader::with_capacity(capacity, input));
        let mut ends = Vec::new();
        while scan.peek(None).unwrap().is_some() {
            let mut v = Vec::new();
            scan.value(&mut v).unwrap();
            assert!(!v.is_empty());
            ends.push(scan.consumed() as usize);
        }
        ends
    }

    #[test]
    fn long_values_end_where_serde_json_ends_them_across_blocks_and_buffers() {
        // Strings with runs of backslashes, escaped quotes and brackets, slid one byte at a time
        // across the 64-byte blocks the scanner reads inside a container.
        let mut input = Vec::new();
        for pad in 0..130 {
            for run in 0..6 {
                let string = format!("{}{}\"{}", "x".repeat(pad), "\\\\".repeat(run), "[{}]");
                input.extend_from_slice(
                    format!(
                        "{{\"a\": [{string:?}, {{\"b\": \"]}}\\\"\"}}, \"{}\\\\\"], \"c\": {{}}}}\n",
                        "y".repeat(pad % 67)
                    )
                    .as_bytes(),
                );
            }
        }
        let expected = ends_by_serde(&input);
        assert_eq!(expected.len(), 130 * 6);
        for capacity in [1, 63, 64, 65, 100, 4096, 1 << 20] {
            assert_eq!(
                ends_by_scanner(&input, capacity),
                expected,
                "buffer of {capacity}"
            );
        }
    }

    #[test]
    fn every_fixture_record_ends_where_serde_json_ends_it() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trials");
        let mut input = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .chain(std::fs::read_dir(format!("{dir}/corpus")).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in &paths {
            input.extend_from_slice(&std::fs::read(path).unwrap());
            input.push(b' ');
        }
        let expected = ends_by_serde(&input);
        assert_eq!(expected.len(), paths.len());
        for capacity in [64, 1000, 1 << 18] {
            assert_eq!(
                ends_by_scanner(&input, capacity),
                expected,
                "buffer of {capacity}"
            );
        }
    }

    #[test]
    fn a_block_finds_its_bytes() {
        let mut bytes = [b' '; 64];
        bytes[0] = b'"';
        bytes[5] = b'\\';
        bytes[17] = b'[';
        bytes[40] = b'}';
        bytes[63] = b']';
        bytes[20] = 0x02; // folds onto a quote only if bit 5 were set for quotes too
        assert_eq!(
            Block::of(&bytes),
            Block {
                quote: 1,
                backslash: 1 << 5,
                open: 1 << 17,
                close: 1 << 40 | 1 << 63,
            }
        );
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
