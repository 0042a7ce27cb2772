//! `laysum batch` on the forms a registry download comes in, and `laysum fetch` against a
//! stand-in for the registry's API: the real binary, as a user runs it.

use crate::helpers::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn laysum() -> Command {
    Command::new(env!("CARGO_BIN_EXE_laysum"))
}

/// A fresh folder for one test.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("laysum-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture records: file name and bytes, in name order.
pub fn records() -> Vec<(String, Vec<u8>)> {
    real_records()
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(p).unwrap())
        })
        .collect()
}

/// Studies as the registry's download has them: a JSON array, each record as it was written.
fn array_of(records: &[&[u8]]) -> Vec<u8> {
    let mut out = b"[\n".to_vec();
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(r.trim_ascii());
    }
    out.extend_from_slice(b"\n]\n");
    out
}

/// A page of the API: compact, with the total and a next page token around the studies.
pub fn page_of(records: &[&[u8]], next: Option<&str>, total: Option<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(total) = total {
        write!(out, "{{\"totalCount\":{total},\"studies\":[").unwrap();
    } else {
        out.extend_from_slice(b"{\"studies\":[");
    }
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(r.trim_ascii());
    }
    out.push(b']');
    if let Some(next) = next {
        write!(out, ",\"nextPageToken\":\"{next}\"").unwrap();
    }
    out.push(b'}');
    out
}

/// JSON Lines: each record re-serialised on one line (its keys reordered, its numbers
/// reprinted), the way another tool would write them.
fn lines_of(records: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let value: serde_json::Value = serde_json::from_slice(r).unwrap();
        serde_json::to_writer(&mut out, &value).unwrap();
        out.push(b'\n');
    }
    out
}

/// A zip archive of named files, written with sizes in the headers (as `zip` on a file does).
fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip_with(path, files, options);
}

fn zip_with(path: &Path, files: &[(&str, &[u8])], options: zip::write::SimpleFileOptions) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The same, written as a stream: sizes and checksums after each entry's data.
fn zip_streamed(files: &[(&str, &[u8])]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Runs `laysum batch`, with standard input from `stdin` when given.
fn batch(args: &[&std::ffi::OsStr], stdin: Option<&[u8]>) -> Output {
    let mut cmd = laysum();
    cmd.arg("batch")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    child.wait_with_output().unwrap()
}

fn batch_ok(args: &[&std::ffi::OsStr], stdin: Option<&[u8]>) -> Output {
    let out = batch(args, stdin);
    assert!(
        out.status.success(),
        "laysum batch {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file of a folder by name.
pub fn pages_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The pages of the fixtures rendered from their folder, the way `batch` always worked.
pub fn reference_pages(dir: &Path, format: &str) -> BTreeMap<String, Vec<u8>> {
    let out = dir.join(format!("reference-{format}"));
    batch_ok(
        &[
            fixtures().join("trials").as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ],
        None,
    );
    let pages = pages_in(&out);
    assert_eq!(pages.len(), real_records().len());
    pages
}

/// The NCT id of each JSON page of a JSON Lines output, with the line.
fn json_lines(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let page: serde_json::Value = serde_json::from_slice(l).unwrap();
            (page["nct_id"].as_str().unwrap().to_owned(), l.to_vec())
        })
        .collect()
}

#[test]
fn the_same_pages_byte_for_byte_whichever_way_the_records_come_in() {
    let dir = tempdir("identity");
    let reference = reference_pages(&dir, "json");
    let records = records();
    let bytes: Vec<&[u8]> = records.iter().map(|(_, b)| b.as_slice()).collect();

    let array = array_of(&bytes);
    let page = page_of(&bytes, Some("NEXT"), Some(bytes.len()));
    let lines = lines_of(&bytes);
    let mut folder: Vec<(&str, &[u8])> = records
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    // A download's archive may hold a note beside the records: it is passed over, not failed.
    folder.push(("README.txt", b"Downloaded from the registry."));
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("ctg-studies.json", array.clone()),
        ("page.json", page.clone()),
        ("studies.jsonl", lines.clone()),
    ];
    for (name, content) in &inputs {
        std::fs::write(dir.join(name), content).unwrap();
    }
    zip_of(&dir.join("folder.zip"), &folder);
    zip_of(
        &dir.join("ctg-studies.json.zip"),
        &[("ctg-studies.json", &array)],
    );
    zip_of(&dir.join("page.zip"), &[("page-1.json", &page)]);
    zip_of(&dir.join("studies.jsonl.zip"), &[("studies.jsonl", &lines)]);
    // Zip64 headers (as for a download over 4 GB) and an entry stored without compression.
    let zip64 = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip_with(
        &dir.join("zip64.zip"),
        &[("ctg-studies.json", &array)],
        zip64,
    );
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip_with(
        &dir.join("stored.zip"),
        &[("studies.jsonl", &lines)],
        stored,
    );
    let streamed = zip_streamed(&[("ctg-studies.json", &array)]);
    std::fs::write(dir.join("streamed.zip"), &streamed).unwrap();

    let mut runs: Vec<(String, Option<&[u8]>)> = [
        "ctg-studies.json",
        "page.json",
        "studies.jsonl",
        "folder.zip",
        "ctg-studies.json.zip",
        "page.zip",
        "studies.jsonl.zip",
        "zip64.zip",
        "stored.zip",
        "streamed.zip",
    ]
    .iter()
    .map(|n| (dir.join(n).display().to_string(), None))
    .collect();
    runs.push(("-".into(), Some(&array)));
    runs.push(("-".into(), Some(&lines)));
    runs.push(("-".into(), Some(&streamed)));
    for (i, (input, stdin)) in runs.iter().enumerate() {
        let out = dir.join(format!("out-{i}"));
        let run = batch_ok(&[input.as_ref(), "--out".as_ref(), out.as_os_str()], *stdin);
        let pages = pages_in(&out);
        assert_eq!(
            pages.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>(),
            "{input}"
        );
        for (name, page) in &pages {
            assert!(
                page == &reference[name],
                "{input}: {name} differs from the folder's page"
            );
        }
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            stdout.contains("rendered 21, failed 0"),
            "{input}: {stdout}"
        );
    }

    // JSON Lines out: each line is the folder's page, in input order, whatever the workers.
    let jsonl = dir.join("pages.jsonl");
    for jobs in ["1", "2"] {
        batch_ok(
            &[
                dir.join("ctg-studies.json.zip").as_os_str(),
                "--out".as_ref(),
                jsonl.as_os_str(),
                "--jobs".as_ref(),
                jobs.as_ref(),
            ],
            None,
        );
        let written = json_lines(&std::fs::read(&jsonl).unwrap());
        let ids: Vec<String> = records
            .iter()
            .map(|(n, _)| n.trim_end_matches(".json").to_owned())
            .collect();
        assert_eq!(
            written.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
            ids
        );
        for (id, line) in &written {
            assert_eq!(line, &reference[&format!("{id}.json")], "{id}, {jobs} jobs");
        }
    }

    // Standard input to standard output: the pages alone on stdout, the summary on stderr.
    let run = batch_ok(&["-".as_ref(), "--out".as_ref(), "-".as_ref()], Some(&page));
    let written = json_lines(&run.stdout);
    assert_eq!(written.len(), 21);
    for (id, line) in &written {
        assert_eq!(line, &reference[&format!("{id}.json")]);
    }
    assert!(String::from_utf8_lossy(&run.stderr).contains("rendered 21, failed 0"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markdown_pages_in_json_lines_carry_the_folder_page_text() {
    let dir = tempdir("markdown-lines");
    let reference = reference_pages(&dir, "markdown");
    let records = records();
    let bytes: Vec<&[u8]> = records.iter().map(|(_, b)| b.as_slice()).collect();
    let run = batch_ok(
        &[
            "-".as_ref(),
            "--out".as_ref(),
            "-".as_ref(),
            "--format".as_ref(),
            "markdown".as_ref(),
        ],
        Some(&array_of(&bytes)),
    );
    let lines: Vec<serde_json::Value> = run
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 21);
    for line in lines {
        assert_eq!(line["format"], "markdown");
        let id = line["nct_id"].as_str().unwrap();
        assert_eq!(
            line["page"].as_str().unwrap().as_bytes(),
            reference[&format!("{id}.md")].as_slice()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_study_and_non_studies_in_the_middle_of_an_array_fail_alone() {
    let dir = tempdir("broken-element");
    let reference = reference_pages(&dir, "json");
    let records = records();
    let mut elements: Vec<&[u8]> = records[..3].iter().map(|(_, b)| b.as_slice()).collect();
    elements.push(
        br#"{"protocolSection": {"identificationModule": {"nctId": "NCT09999999", "briefTitle": oops}}}"#,
    );
    elements.push(b"42");
    elements.push(br#"{"hello": "world"}"#);
    elements.extend(records[3..6].iter().map(|(_, b)| b.as_slice()));
    let input = dir.join("ctg-studies.json");
    std::fs::write(&input, array_of(&elements)).unwrap();
    let out = dir.join("out");

    let run = batch(
        &[input.as_os_str(), "--out".as_ref(), out.as_os_str()],
        None,
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "failed studies make the run fail"
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("rendered 6, failed 3"), "{stdout}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("failed: "))
        .collect();
    let at = input.display();
    assert_eq!(failed.len(), 3, "{stderr}");
    assert!(
        failed[0].starts_with(&format!(
            "failed: {at}, study 4 (NCT09999999): not JSON at line 1 column "
        )),
        "{stderr}"
    );
    assert_eq!(
        failed[1],
        format!("failed: {at}, study 5: not a study: the record is a number, not a JSON object")
    );
    assert_eq!(
        failed[2],
        format!("failed: {at}, study 6: not a study: no protocolSection")
    );
    let pages = pages_in(&out);
    assert_eq!(pages.len(), 6);
    for (name, page) in pages {
        assert_eq!(page, reference[&name], "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_line_of_json_lines_fails_alone() {
    let records = records();
    let bytes: Vec<&[u8]> = records[..4].iter().map(|(_, b)| b.as_slice()).collect();
    let mut lines = lines_of(&bytes[..2]);
    lines.extend_from_slice(
        b"{\"protocolSection\": {\"identificationModule\": {\"nctId\": \"NCT08888888\"\n",
    );
    lines.extend_from_slice(&lines_of(&bytes[2..]));
    let run = batch(
        &[
            "-".as_ref(),
            "--out".as_ref(),
            "-".as_ref(),
            "--input-format".as_ref(),
            "jsonl".as_ref(),
        ],
        Some(&lines),
    );
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(json_lines(&run.stdout).len(), 4);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("failed: standard input, line 3 (NCT08888888): not JSON at line 1"),
        "{stderr}"
    );
    assert!(stderr.contains("rendered 4, failed 1"), "{stderr}");
}

#[test]
fn a_truncated_archive_fails_the_study_it_cuts_and_the_studies_before_it_are_written() {
    let dir = tempdir("truncated");
    let reference = reference_pages(&dir, "json");
    let records = records();
    let bytes: Vec<&[u8]> = records.iter().map(|(_, b)| b.as_slice()).collect();
    let ids: Vec<String> = records
        .iter()
        .map(|(n, _)| n.trim_end_matches(".json").to_owned())
        .collect();

    // One array in the archive, cut in the middle: the cut study is named, those before written.
    let whole = dir.join("whole.zip");
    zip_of(&whole, &[("ctg-studies.json", &array_of(&bytes))]);
    let zipped = std::fs::read(&whole).unwrap();
    let cut = dir.join("ctg-studies.json.zip");
    std::fs::write(&cut, &zipped[..zipped.len() * 6 / 10]).unwrap();
    let out = dir.join("out-array");
    let run = batch(&[cut.as_os_str(), "--out".as_ref(), out.as_os_str()], None);
    assert_eq!(run.status.code(), Some(1));
    let pages = pages_in(&out);
    let written = pages.len();
    assert!((5..20).contains(&written), "{written} pages");
    for id in &ids[..written] {
        let name = format!("{id}.json");
        assert_eq!(pages[&name], reference[&name], "{name}");
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    let expected = format!(
        "failed: {}:ctg-studies.json, study {} ({}): the archive is cut short in the middle of this study",
        cut.display(),
        written + 1,
        ids[written]
    );
    assert_eq!(stderr.trim(), expected);
    assert!(String::from_utf8_lossy(&run.stdout).contains(&format!("rendered {written}, failed 1")));

    // A folder in the archive, cut between entries or inside one: the same, entry by entry.
    let folder: Vec<(&str, &[u8])> = records
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&whole, &folder);
    let zipped = std::fs::read(&whole).unwrap();
    let out = dir.join("out-folder");
    let run = batch(
        &["-".as_ref(), "--out".as_ref(), out.as_os_str()],
        Some(&zipped[..zipped.len() / 2]),
    );
    assert_eq!(run.status.code(), Some(1));
    let pages = pages_in(&out);
    assert!((5..20).contains(&pages.len()), "{} pages", pages.len());
    for (name, page) in &pages {
        assert_eq!(page, &reference[name], "{name}");
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("failed: standard input"), "{stderr}");
    assert!(stderr.contains("cut short"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_input_that_is_not_there_says_so_in_one_line() {
    let run = batch(
        &[
            "no-such-download.json".as_ref(),
            "--out".as_ref(),
            "-".as_ref(),
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("error: cannot read no-such-download.json: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}
