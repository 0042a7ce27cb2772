//! One snapshot per record: the Markdown page and its quality report, as a reviewer reads them.
//! Changed wording shows as a diff; accept it with `cargo insta review` after reading it.

use crate::helpers::*;
use laysum::render::quality_text;
use laysum::Format;
use std::path::Path;

/// Snapshots live in `snapshots/`, those of `tests/fixtures/trials/corpus` in `snapshots/corpus/`.
fn snapshot(path: &Path, folder: &str) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let content = match pipeline().page(&bytes, Format::Markdown) {
        Ok((summary, md)) => format!("{}\n\n---\n{}\n", md.trim_end(), quality_text(&summary)),
        Err(e) => format!("error: {e}\n"),
    };
    insta::with_settings!({
        snapshot_path => Path::new(env!("CARGO_MANIFEST_DIR")).join(folder),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, content);
    });
}

#[test]
fn snapshot_of_every_record() {
    snapshot(&seed_record(), "snapshots");
    for path in real_records().iter().chain(&edge_records()) {
        snapshot(path, "snapshots");
    }
    for path in corpus_records() {
        snapshot(&path, "snapshots/corpus");
    }
}
