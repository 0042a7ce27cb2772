//! `laysum-floor FILE`: reads a download (a JSON array of studies, or a zip holding one) and
//! parses each study to a `serde_json::Value` with serde_json's streaming reader, then prints
//! how many there were. What any program that reads the download pays, and so the floor
//! `benches/bulk.rs` measures `laysum batch` against. Built with `--features mimalloc` it
//! allocates as the `laysum` binary does.

use serde::de::{SeqAccess, Visitor};
use serde::Deserializer as _;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BUFFER: usize = 256 * 1024;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: laysum-floor FILE (a JSON array of studies, or a .zip holding one)");
        std::process::exit(2);
    };
    let path = Path::new(&path);
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let studies = if path.extension().is_some_and(|e| e == "zip") {
        let mut archive =
            zip::ZipArchive::new(BufReader::with_capacity(BUFFER, file)).expect("a zip archive");
        let entry = archive.by_index(0).expect("an entry in the archive");
        parse_each(entry)
    } else {
        parse_each(file)
    };
    println!("{studies}");
}

fn parse_each(reader: impl Read) -> u64 {
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(BUFFER, reader));
    de.deserialize_seq(EachStudy)
        .expect("a JSON array of studies")
}

/// Counts and drops each element of a JSON array, parsed to a `Value`.
struct EachStudy;

impl<'de> Visitor<'de> for EachStudy {
    type Value = u64;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of studies")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut n = 0;
        while let Some(study) = seq.next_element::<serde_json::Value>()? {
            std::hint::black_box(study);
            n += 1;
        }
        Ok(n)
    }
}
