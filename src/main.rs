//! The `laysum` command line: `render`, `batch` and `serve`.

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use laysum::llm::{LlmConfig, LlmWriter};
use laysum::{batch, Format, Pipeline, Writer};
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Plain-language pages about clinical trials, from ClinicalTrials.gov records.
#[derive(Parser)]
#[command(name = "laysum", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render one study record (ClinicalTrials.gov API v2 JSON) as a page.
    Render {
        /// The record file, or - to read it from standard input.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Json)]
        format: FormatArg,
        /// Which writer writes the sections.
        #[arg(long, value_enum, default_value_t = WriterArg::Rules)]
        writer: WriterArg,
        /// Also print the quality report (grades, warnings) to standard error.
        #[arg(long)]
        quality: bool,
        #[command(flatten)]
        llm: LlmConfig,
    },
    /// Render every *.json record of a folder into another folder, in parallel.
    Batch {
        /// Folder of study records.
        dir: PathBuf,
        /// Folder for the pages (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Output format of the pages.
        #[arg(long, value_enum, default_value_t = FormatArg::Json)]
        format: FormatArg,
        /// Which writer writes the sections.
        #[arg(long, value_enum, default_value_t = WriterArg::Rules)]
        writer: WriterArg,
        /// Folder of gold-fact files (NCT….toml) to hold the pages to; by default, gold files
        /// beside the records are used when there are any.
        #[arg(long)]
        gold: Option<PathBuf>,
        #[command(flatten)]
        llm: LlmConfig,
    },
    /// Run the HTTP service (settings from flags or LAYSUM_* environment variables).
    Serve(laysum::server::Config),
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Markdown,
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum WriterArg {
    /// Templates and lexicons: deterministic, the publish path.
    Rules,
    /// A model (see the Model options), checked like any draft; the rules draft when its
    /// draft cannot stand.
    Llm,
}

/// The llm writer and a runtime to drive it from synchronous code, when `--writer llm`.
struct Model {
    writer: LlmWriter,
    runtime: tokio::runtime::Runtime,
}

impl Model {
    fn start(writer: WriterArg, config: &LlmConfig) -> anyhow::Result<Option<Model>> {
        if matches!(writer, WriterArg::Rules) {
            return Ok(None);
        }
        let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
        let writer = LlmWriter::new(config)
            .context("setting up the model client")?
            .context("the llm writer needs a model: set LAYSUM_LLM_MODEL or --llm-model")?;
        Ok(Some(Model { writer, runtime }))
    }

    fn page(
        model: Option<&Model>,
        pipeline: &Pipeline,
        bytes: &[u8],
        format: Format,
    ) -> Result<(laysum::Summary, String), laysum::PageError> {
        match model {
            None => pipeline.page(bytes, format),
            Some(m) => {
                m.runtime
                    .block_on(pipeline.page_with(bytes, format, Writer::Llm(&m.writer)))
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line that names the problem: "error: NCT….json: not JSON at line 3 column 7: …".
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Serve(config) = cli.command {
        init_logs(config.log_format, "info");
        let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
        runtime.block_on(laysum::server::serve(config))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Quiet by default off the server: only a fallback from the model or worse is worth a line.
    init_logs(laysum::server::config::LogFormat::Human, "warn");
    let pipeline = Pipeline::new().context("loading templates and lexicons")?;
    match cli.command {
        Command::Serve(_) => unreachable!("handled above"),
        Command::Render {
            file,
            format,
            writer,
            quality,
            llm,
        } => {
            let model = Model::start(writer, &llm)?;
            let mut bytes = Vec::new();
            if file.as_os_str() == "-" {
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .context("reading standard input")?;
            } else {
                bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            }
            let (summary, text) = Model::page(model.as_ref(), &pipeline, &bytes, format.into())
                .with_context(|| file.display().to_string())?;
            if matches!(format, FormatArg::Json) {
                // A person reads this one: indented.
                let pretty = serde_json::to_string_pretty(&summary).context("writing the page")?;
                println!("{pretty}");
            } else {
                println!("{}", text.trim_end());
            }
            if quality {
                eprintln!("{}", laysum::render::quality_text(&summary));
            }
        }
        Command::Batch {
            dir,
            out,
            jobs,
            format,
            writer,
            gold,
            llm,
        } => {
            let model = Model::start(writer, &llm)?;
            if let Some(g) = &gold {
                if !g.is_dir() {
                    bail!("--gold {}: not a folder", g.display());
                }
            }
            let files =
                batch::inputs(&dir).with_context(|| format!("reading folder {}", dir.display()))?;
            if files.is_empty() {
                bail!("no *.json records in {}", dir.display());
            }
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let jobs =
                jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
            let bar = ProgressBar::new(files.len() as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} records · {per_sec} · eta {eta}",
                )
                .expect("a valid progress template"),
            );
            let page = |bytes: &[u8]| Model::page(model.as_ref(), &pipeline, bytes, format.into());
            let report = batch::run(&page, &files, &out, format.into(), jobs, &|outcome| {
                if let batch::Outcome::Failed { input, reason } = outcome {
                    bar.suspend(|| eprintln!("failed: {}: {reason}", input.display()));
                }
                bar.inc(1);
            });
            bar.finish_and_clear();
            let median = report
                .median_grade()
                .map_or("n/a".to_owned(), |g| format!("{g:.1}"));
            println!(
                "rendered {}, failed {}, with quality errors {}, median grade {median}",
                report.rendered,
                report.failed.len(),
                report.with_errors
            );
            let gold = laysum::gold::check_records(&pipeline, &files, gold.as_deref());
            if gold.checked > 0 {
                for (id, d) in &gold.disagreements {
                    eprintln!("gold: {id}: {d}");
                }
                println!(
                    "gold facts: {} records checked, {} agree ({:.0}%), {} disagreements",
                    gold.checked,
                    gold.agreeing,
                    100.0 * gold.agreeing as f64 / gold.checked as f64,
                    gold.disagreements.len()
                );
            }
            if !report.failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Logs to standard error: human lines by default, JSON objects for log collectors. The level
/// comes from RUST_LOG, else `level`.
fn init_logs(format: laysum::server::config::LogFormat, level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only help a person at a terminal; in a file or a collector they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        laysum::server::config::LogFormat::Json => builder.json().init(),
        laysum::server::config::LogFormat::Human => builder.init(),
    }
}
