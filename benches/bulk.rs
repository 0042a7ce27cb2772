//! `laysum batch` on a registry-sized download, against the floor of merely reading it.
//!
//! `cargo bench --bench bulk` generates `target/bulk/ctg-studies.json` (the fixture records
//! repeated into one JSON array of at least 1 GiB, as the registry's download is one array) and
//! its `.zip`, once; then, each in its own process pinned to one core, measures:
//!
//! - the floor: read (and decompress) the file and parse each study to a `serde_json::Value`,
//!   streaming with serde_json's reader — what any program that reads the download pays. It
//!   is `benches/floor`, a package of its own, built here with laysum's release profile: inside
//!   laysum's build serde_json's reader is slower (see that package);
//! - the same floor with mimalloc, the allocator the `laysum` binary uses: like for like, as
//!   the allocator speeds up the floor's `Value` building as much as it speeds up laysum;
//! - a lower floor: each study's bytes found by laysum's scanner, then parsed to a `Value`
//!   from the slice (serde_json's fastest path), in this binary (system allocator);
//! - `laysum batch FILE --out pages.jsonl --jobs 1`: every page, checked and written;
//!
//! and prints studies/s, MB/s, peak memory (the process's maximum resident set) and the ratio
//! of each to the floor and to the like-for-like floor, the best of three interleaved runs. A smaller input is run too, to
//! show memory does not grow with the input. `-- --gib N` sets the size, `-- --repeat N` the
//! runs; `-- --quick` skips the zip and the small input.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BUFFER: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scan-floor") {
        println!("{}", scan_floor(Path::new(&args[i + 1])));
        return;
    }
    let gib: f64 = args
        .iter()
        .position(|a| a == "--gib")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(1.0);
    let quick = args.iter().any(|a| a == "--quick");
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(3);

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bulk");
    std::fs::create_dir_all(&dir).unwrap();
    let floor = build_floor(false);
    let floor_mimalloc = build_floor(true);
    let big = generate(&dir, (gib * (1u64 << 30) as f64) as u64);
    let mut inputs = vec![big.clone()];
    if !quick {
        inputs.push(zip(&big));
        inputs.push(generate(&dir, 128 << 20));
    }

    println!(
        "\none core each (pinned to CPU 0); {} cores on this machine, which others may be using\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<72} {:>7} {:>7} {:>10} {:>6} {:>8} {:>7} {:>7}",
        "input · what", "studies", "s", "studies/s", "MB/s", "peak MB", "×floor", "×same"
    );
    let laysum = env!("CARGO_BIN_EXE_laysum");
    let me = std::env::current_exe().unwrap();
    let out = dir.join("pages.jsonl");
    for input in &inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let mb = std::fs::metadata(input).unwrap().len() as f64 / 1e6;
        let commands = || -> [(&str, Command); 4] {
            let mut system = Command::new(&floor);
            system.arg(input);
            let mut same = Command::new(&floor_mimalloc);
            same.arg(input);
            let mut scan_floor = Command::new(&me);
            scan_floor.arg("--scan-floor").arg(input);
            let mut batch = Command::new(laysum);
            batch
                .arg("batch")
                .arg(input)
                .arg("--out")
                .arg(&out)
                .args(["--jobs", "1"]);
            [
                ("floor: serde_json reader → Value", system),
                ("floor with mimalloc (like for like)", same),
                ("scan floor: scanner + from_slice → Value", scan_floor),
                ("laysum batch → JSON Lines, --jobs 1", batch),
            ]
        };
        // Interleaved and the best of each kept: a neighbour's compile slows a run, never
        // speeds one up.
        let mut best: Vec<Option<Measure>> = vec![None, None, None, None];
        for _ in 0..repeat {
            for (i, (_, cmd)) in commands().into_iter().enumerate() {
                let m = measure(cmd);
                best[i] = Some(match best[i].take() {
                    Some(b) if b.secs <= m.secs => Measure {
                        peak_kb: b.peak_kb.max(m.peak_kb),
                        ..b
                    },
                    Some(b) => Measure {
                        peak_kb: b.peak_kb.max(m.peak_kb),
                        ..m
                    },
                    None => m,
                });
            }
        }
        let best: Vec<Measure> = best.into_iter().map(Option::unwrap).collect();
        let studies = best[0].studies.expect("the floor counts the studies");
        assert_eq!(best[1].studies, Some(studies));
        assert_eq!(best[2].studies, Some(studies));
        for ((what, _), m) in commands().iter().zip(&best) {
            println!(
                "{:<72} {:>7} {:>7.2} {:>10.0} {:>6.0} {:>8.1} {:>6.2}× {:>6.2}×",
                format!("{name} · {what}"),
                studies,
                m.secs,
                studies as f64 / m.secs,
                mb / m.secs,
                m.peak_kb as f64 / 1024.0,
                m.secs / best[0].secs,
                m.secs / best[1].secs,
            );
        }
        if input == &big {
            // Both cores, for the record: the figure a user with the machine to spare gets.
            let mut both = Command::new(laysum);
            both.arg("batch")
                .arg(input)
                .arg("--out")
                .arg(&out)
                .args(["--jobs", "2"]);
            let m = measure_on(both, false);
            println!(
                "{:<72} {:>7} {:>7.2} {:>10.0} {:>6.0} {:>8.1}",
                format!("{name} · laysum batch, --jobs 2, both cores"),
                studies,
                m.secs,
                studies as f64 / m.secs,
                mb / m.secs,
                m.peak_kb as f64 / 1024.0,
            );
        }
    }
    let _ = std::fs::remove_file(&out);
}

/// Builds `benches/floor` (with mimalloc when asked) into `target/`; the path of its binary.
fn build_floor(mimalloc: bool) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join(if mimalloc {
        "target/floor-mimalloc"
    } else {
        "target/floor"
    });
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
        ])
        .arg(root.join("benches/floor/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    if mimalloc {
        cargo.args(["--features", "mimalloc"]);
    }
    let status = cargo.status().expect("cargo runs");
    assert!(status.success(), "building benches/floor failed");
    target.join("release/laysum-floor")
}

/// The fixture records repeated into one JSON array of at least `bytes`, as the registry's
/// download is written; made once and kept in `target/bulk/`.
fn generate(dir: &Path, bytes: u64) -> PathBuf {
    let path = dir.join(format!("ctg-studies-{}MiB.json", bytes >> 20));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() >= bytes) {
        return path;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trials");
    let records: Vec<Vec<u8>> = laysum::batch::inputs(&fixtures)
        .unwrap()
        .iter()
        .map(|p| std::fs::read(p).unwrap().trim_ascii().to_vec())
        .collect();
    eprintln!("generating {} ({} MiB)…", path.display(), bytes >> 20);
    let aside = path.with_extension("json.part");
    let mut out = BufWriter::new(File::create(&aside).unwrap());
    out.write_all(b"[\n").unwrap();
    let mut written = 2u64;
    let mut first = true;
    while written < bytes {
        for r in &records {
            if !first {
                out.write_all(b",\n").unwrap();
                written += 2;
            }
            first = false;
            out.write_all(r).unwrap();
            written += r.len() as u64;
        }
    }
    out.write_all(b"\n]\n").unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    std::fs::rename(&aside, &path).unwrap();
    path
}

/// The download zipped, as `ctg-studies.json.zip`: one deflated entry.
fn zip(json: &Path) -> PathBuf {
    let path = json.with_extension("json.zip");
    let json_modified = std::fs::metadata(json).unwrap().modified().unwrap();
    if std::fs::metadata(&path).is_ok_and(|m| m.modified().unwrap() >= json_modified) {
        return path;
    }
    eprintln!("zipping {}…", json.display());
    let aside = path.with_extension("zip.part");
    let mut zip = zip::ZipWriter::new(BufWriter::new(File::create(&aside).unwrap()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("ctg-studies.json", options).unwrap();
    std::io::copy(&mut File::open(json).unwrap(), &mut zip).unwrap();
    zip.finish()
        .unwrap()
        .into_inner()
        .unwrap()
        .sync_all()
        .unwrap();
    std::fs::rename(&aside, &path).unwrap();
    path
}

struct Measure {
    secs: f64,
    peak_kb: i64,
    /// What the floor counted (batch prints its own summary instead).
    studies: Option<u64>,
}

fn measure(cmd: Command) -> Measure {
    measure_on(cmd, true)
}

/// Runs a command to its end, pinned to CPU 0 when `one_core`, and reads its peak memory from
/// the kernel's accounting of the finished process.
// wait4 reaps the child itself: std's wait cannot hand back the resource usage.
#[allow(clippy::zombie_processes)]
fn measure_on(mut cmd: Command, one_core: bool) -> Measure {
    use std::os::unix::process::CommandExt;
    if one_core {
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(0, &mut set);
                if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    let printed = reading.join().unwrap();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed: {printed}"
    );
    Measure {
        secs,
        peak_kb: usage.ru_maxrss,
        studies: printed.trim().parse().ok(),
    }
}

/// The lower floor: each study's bytes found by laysum's scanner, then parsed to a `Value`
/// from the slice, serde_json's fastest path.
fn scan_floor(path: &Path) -> u64 {
    use laysum::batch::scan::Scanner;
    with_stream(path, |r| {
        let mut scan = Scanner::new(BufReader::with_capacity(BUFFER, r));
        assert_eq!(scan.peek(None).unwrap(), Some(b'['));
        scan.bump(None).unwrap();
        let mut study = Vec::new();
        let mut n = 0;
        loop {
            match scan.peek(None).unwrap() {
                Some(b']') | None => return n,
                Some(b',') => scan.bump(None).unwrap(),
                Some(_) => {
                    study.clear();
                    scan.value(&mut study).map_err(|_| "cut short").unwrap();
                    let value: serde_json::Value = serde_json::from_slice(&study).unwrap();
                    std::hint::black_box(value);
                    n += 1;
                }
            }
        }
    })
}

/// Calls `f` with the download's bytes: the file's, or its zip entry's, decompressed as read.
fn with_stream(path: &Path, f: impl FnOnce(&mut dyn Read) -> u64) -> u64 {
    let file = File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "zip") {
        let mut archive = zip::ZipArchive::new(BufReader::with_capacity(BUFFER, file)).unwrap();
        let mut entry = archive.by_index(0).unwrap();
        f(&mut entry)
    } else {
        let mut file = file;
        f(&mut file)
    }
}
