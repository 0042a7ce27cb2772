//! A `.zip` read front to back, entry by entry, straight from its bytes: nothing is extracted to
//! disk and nothing but the entry being read is held.
//!
//! Reading by the local headers instead of the directory at the end of the archive means
//! standard input can be an archive, an archive cut short still gives every study before the
//! cut, and an archive of 580,000 files costs no memory for its directory. Deflated entries end
//! by themselves, so entries written with a data descriptor (sizes after the data, as streaming
//! zip writers do) read too; only a stored entry without its size cannot.

use flate2::bufread::DeflateDecoder;
use std::io::{self, BufRead, Read};
use thiserror::Error;

/// Why an archive could not be read on.
#[derive(Debug, Error)]
pub enum ZipError {
    #[error("the archive is cut short after {entries} entries (it lacks its directory)")]
    CutShort { entries: usize },
    #[error("the archive is damaged after {entries} entries: {reason}")]
    Damaged { entries: usize, reason: String },
    #[error(
        "{name} is compressed with method {method}; only stored and deflated entries are read"
    )]
    Method { name: String, method: u16 },
    #[error("{name} is stored without its size, so it cannot be read as a stream")]
    StoredWithoutSize { name: String },
    #[error("{name} is encrypted")]
    Encrypted { name: String },
    #[error("cannot read the archive: {0}")]
    Read(#[from] io::Error),
}

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;

/// One entry's local header.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    /// Sizes and CRC follow the data instead of preceding it.
    descriptor: bool,
}

/// The entries of an archive, in the order they were written.
pub struct Archive<R> {
    reader: R,
    entries: usize,
}

impl<R: BufRead> Archive<R> {
    pub fn new(reader: R) -> Self {
        Archive { reader, entries: 0 }
    }

    /// The next entry's header; `None` where the archive's directory begins.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ZipError> {
        let mut fixed = [0u8; 30];
        let cut = |e: io::Error, entries| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                ZipError::CutShort { entries }
            } else {
                ZipError::Read(e)
            }
        };
        let entries = self.entries;
        self.reader
            .read_exact(&mut fixed[..4])
            .map_err(|e| cut(e, entries))?;
        match u32_at(&fixed, 0) {
            LOCAL_HEADER => {}
            CENTRAL_HEADER | END_OF_DIRECTORY => return Ok(None),
            other => {
                return Err(ZipError::Damaged {
                    entries,
                    reason: format!("expected an entry, found bytes {other:#010x}"),
                })
            }
        }
        self.reader
            .read_exact(&mut fixed[4..])
            .map_err(|e| cut(e, entries))?;
        let flags = u16_at(&fixed, 6);
        let method = u16_at(&fixed, 8);
        let mut name = vec![0u8; usize::from(u16_at(&fixed, 26))];
        let mut extra = vec![0u8; usize::from(u16_at(&fixed, 28))];
        self.reader
            .read_exact(&mut name)
            .map_err(|e| cut(e, entries))?;
        self.reader
            .read_exact(&mut extra)
            .map_err(|e| cut(e, entries))?;
        let mut entry = Entry {
            name: String::from_utf8_lossy(&name).into_owned(),
            method,
            crc: u32_at(&fixed, 14),
            compressed: u64::from(u32_at(&fixed, 18)),
            size: u64::from(u32_at(&fixed, 22)),
            descriptor: flags & 0b1000 != 0,
        };
        if entry.compressed == u64::from(u32::MAX) || entry.size == u64::from(u32::MAX) {
            zip64_sizes(&extra, &mut entry);
        }
        if flags & 1 != 0 {
            return Err(ZipError::Encrypted { name: entry.name });
        }
        if method != 0 && method != 8 {
            return Err(ZipError::Method {
                name: entry.name,
                method,
            });
        }
        if method == 0 && entry.descriptor {
            return Err(ZipError::StoredWithoutSize { name: entry.name });
        }
        self.entries += 1;
        Ok(Some(entry))
    }

    /// The entry's content, decompressed as it is read. Read it to its end (or call
    /// [`EntryReader::finish`]) before asking for the next entry.
    pub fn open<'a>(&'a mut self, entry: &'a Entry) -> EntryReader<'a, R> {
        let body = if entry.method == 8 {
            Body::Deflated(DeflateDecoder::new(&mut self.reader))
        } else {
            Body::Stored(Read::take(&mut self.reader, entry.compressed))
        };
        EntryReader {
            body,
            entry,
            crc: crc32fast::Hasher::new(),
            read: 0,
            entries: self.entries,
        }
    }
}

enum Body<'a, R> {
    Stored(io::Take<&'a mut R>),
    Deflated(DeflateDecoder<&'a mut R>),
}

/// One entry's content; checks its CRC and size at the end.
pub struct EntryReader<'a, R> {
    body: Body<'a, R>,
    entry: &'a Entry,
    crc: crc32fast::Hasher,
    read: u64,
    entries: usize,
}

impl<R: BufRead> EntryReader<'_, R> {
    /// Reads what is left of the entry, and its data descriptor, so the archive stands at the
    /// next entry.
    pub fn finish(mut self) -> Result<(), ZipError> {
        io::copy(&mut self, &mut io::sink()).map_err(|e| self.damaged(e))?;
        Ok(())
    }

    fn damaged(&self, e: io::Error) -> ZipError {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => ZipError::CutShort {
                entries: self.entries - 1,
            },
            _ => ZipError::Damaged {
                entries: self.entries - 1,
                reason: e.to_string(),
            },
        }
    }

    /// At the end of the data: the descriptor read if there is one, the CRC and size checked.
    fn end(&mut self) -> io::Result<()> {
        let (mut crc, mut size) = (self.entry.crc, self.entry.size);
        if self.entry.descriptor {
            let Body::Deflated(decoder) = &mut self.body else {
                unreachable!("a stored entry with a descriptor is refused at its header")
            };
            let compressed = decoder.total_in();
            let reader = decoder.get_mut();
            let mut word = [0u8; 4];
            reader.read_exact(&mut word)?;
            if u32::from_le_bytes(word) == DATA_DESCRIPTOR {
                reader.read_exact(&mut word)?;
            }
            crc = u32::from_le_bytes(word);
            // Sizes are 4 bytes each, or 8 in a zip64 archive: the compressed size tells which.
            let mut sizes = [0u8; 8];
            reader.read_exact(&mut sizes)?;
            if u64::from(u32_at(&sizes, 0)) == compressed {
                size = u64::from(u32_at(&sizes, 4));
            } else {
                let mut rest = [0u8; 8];
                reader.read_exact(&mut rest)?;
                size = u64::from_le_bytes(rest);
            }
        }
        let actual = std::mem::replace(&mut self.crc, crc32fast::Hasher::new()).finalize();
        if actual != crc || self.read != size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} does not match its checksum or size: the archive is damaged",
                    self.entry.name
                ),
            ));
        }
        Ok(())
    }
}

impl<R: BufRead> Read for EntryReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = match &mut self.body {
            Body::Stored(r) => {
                let n = r.read(buf)?;
                if n == 0 && r.limit() > 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                n
            }
            Body::Deflated(d) => d.read(buf).map_err(|e| {
                // The decoder says "corrupt deflate stream" when its input simply stops.
                if e.kind() == io::ErrorKind::UnexpectedEof
                    || d.get_mut().fill_buf().is_ok_and(<[u8]>::is_empty)
                {
                    io::Error::from(io::ErrorKind::UnexpectedEof)
                } else {
                    e
                }
            })?,
        };
        if n == 0 {
            if self.read != u64::MAX {
                self.end()?;
                // The end is checked once; reads after it keep answering 0.
                self.read = u64::MAX;
            }
            return Ok(0);
        }
        self.crc.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Sizes from the zip64 extra field, which holds the original size then the compressed size,
/// each only where the local header's field is full.
fn zip64_sizes(extra: &[u8], entry: &mut Entry) {
    let mut rest = extra;
    while rest.len() >= 4 {
        let id = u16_at(rest, 0);
        let len = usize::from(u16_at(rest, 2));
        let Some(data) = rest.get(4..4 + len) else {
            return;
        };
        if id == 1 {
            let mut fields = data.chunks_exact(8).map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                u64::from_le_bytes(b)
            });
            if entry.size == u64::from(u32::MAX) {
                entry.size = fields.next().unwrap_or(entry.size);
            }
            if entry.compressed == u64::from(u32::MAX) {
                entry.compressed = fields.next().unwrap_or(entry.compressed);
            }
            return;
        }
        rest = &rest[4 + len..];
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Whether bytes begin like a zip archive.
pub fn is_zip(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06")
}
