//! The `laysum` command line: `render`, `batch`, `fetch` and `serve`; and over the store of
//! published pages (in [`cli`]), `watch`, `sync`, `review`, `rerender` and `token`.

mod cli;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand, ValueEnum};
use laysum::batch::progress::Progress;
use laysum::batch::{self, Destination, Input, InputFormat, Output};
use laysum::ctgov::fetch::{self, FetchConfig, State};
use laysum::llm::{LlmConfig, LlmWriter};
use laysum::{Format, Pipeline, Writer};
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
    /// Render every study of a folder, a download or JSON Lines into pages, in parallel.
    Batch {
        /// The studies: a folder of *.json records, a JSON array of studies (ctg-studies.json),
        /// an API page ({"studies": [...]}), JSON Lines, a .zip of any of them, or - for
        /// standard input.
        input: PathBuf,
        /// Where the pages go: a folder (one file per study, created if missing), a .jsonl
        /// file (one page per line), or - for JSON Lines on standard output.
        #[arg(long)]
        out: PathBuf,
        /// How the input is laid out (default: told by its path and first bytes).
        #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
        input_format: InputFormatArg,
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
    /// Fetch every study a registry query finds into JSON Lines (an input of batch).
    Fetch {
        /// The query, as the API's parameters: 'query.cond=stroke&filter.overallStatus=RECRUITING'
        /// (empty: the whole registry).
        query: String,
        /// The JSON Lines file to write (one study per line).
        #[arg(long)]
        out: PathBuf,
        /// Continue a fetch that stopped, from the last page written (its state is in
        /// OUT.state).
        #[arg(long)]
        resume: bool,
        #[command(flatten)]
        config: FetchConfig,
    },
    /// Run the HTTP service (settings from flags or LAYSUM_* environment variables).
    Serve(laysum::server::Config),
    #[command(flatten)]
    Store(cli::StoreCommand),
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
enum InputFormatArg {
    /// Told by the path and the first bytes.
    Auto,
    /// A folder of *.json files, one record each.
    Folder,
    /// A JSON array of studies, as ctg-studies.json.
    Array,
    /// A page of the API: {"studies": [...], "nextPageToken": ...}.
    Page,
    /// JSON Lines: one study per line.
    Jsonl,
    /// A zip archive of any of these.
    Zip,
}

impl From<InputFormatArg> for InputFormat {
    fn from(f: InputFormatArg) -> Self {
        match f {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Folder => InputFormat::Folder,
            InputFormatArg::Array => InputFormat::Array,
            InputFormatArg::Page => InputFormat::Page,
            InputFormatArg::Jsonl => InputFormat::Lines,
            InputFormatArg::Zip => InputFormat::Zip,
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
        // The reader of standard output has gone (`laysum batch … --out - | head`): what it
        // wanted is written, and the run stops quietly, as other tools in a pipe do.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // One line that names the problem: "error: NCT….json: not JSON at line 3 column 7: …".
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An error and its causes on one line, each said once: errors that name their cause in their
/// own message ("cannot write pages.jsonl: No space left on device") are not followed by it
/// again.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let said = cause.to_string();
        if !line.contains(&said) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&said);
        }
    }
    line
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
    if let Command::Store(command) = cli.command {
        return cli::run(command);
    }
    if let Command::Fetch {
        query,
        out,
        resume,
        config,
    } = cli.command
    {
        return fetch_query(&query, &out, resume, &config);
    }
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
            input,
            out,
            input_format,
            jobs,
            format,
            writer,
            gold,
            llm,
        } => {
            let model = Model::start(writer, &llm)?;
            // Gold facts are held against records read from a folder, one file a record.
            let gold_records = match &gold {
                Some(g) if !g.is_dir() => bail!("--gold {}: not a folder", g.display()),
                Some(_) if !input.is_dir() => {
                    bail!(
                        "--gold needs a folder of records as input, not {}",
                        input.display()
                    )
                }
                _ if input.is_dir() => batch::inputs(&input)
                    .with_context(|| format!("reading folder {}", input.display()))?,
                _ => Vec::new(),
            };
            let input = Input::open(&input, input_format.into())?;
            let destination = Destination::from_path(&out);
            // Pages on standard output leave it to them: messages go to standard error.
            let to_stdout = destination == Destination::Stdout;
            let mut output = Output::open(destination, format.into())?;
            let jobs =
                jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
            let mut progress = Progress::for_input(input.extent(), input.progress());
            let page = |bytes: &[u8]| Model::page(model.as_ref(), &pipeline, bytes, format.into());
            let report = batch::run(input, &mut output, &page, jobs, &mut |event| {
                match event {
                    batch::Event::Failed(failure) => {
                        progress.println(&format!("failed: {failure}"))
                    }
                    batch::Event::Skipped(entry) => {
                        progress.println(&format!("skipped: {entry} (not JSON)"));
                        return;
                    }
                    batch::Event::Written => {}
                }
                progress.study_done();
            });
            progress.finish();
            let report = report?;
            let median = report
                .median_grade()
                .map_or("n/a".to_owned(), |g| format!("{g:.1}"));
            let mut summary = format!(
                "rendered {}, failed {}, with quality errors {}, median grade {median}",
                report.rendered, report.failed, report.with_errors
            );
            if report.skipped > 0 {
                summary.push_str(&format!(", skipped {}", report.skipped));
            }
            if to_stdout {
                eprintln!("{summary}");
            } else {
                println!("{summary}");
            }
            let gold = laysum::gold::check_records(&pipeline, &gold_records, gold.as_deref());
            if gold.checked > 0 {
                for (id, d) in &gold.disagreements {
                    eprintln!("gold: {id}: {d}");
                }
                let line = format!(
                    "gold facts: {} records checked, {} agree ({:.0}%), {} disagreements",
                    gold.checked,
                    gold.agreeing,
                    100.0 * gold.agreeing as f64 / gold.checked as f64,
                    gold.disagreements.len()
                );
                if to_stdout {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
            }
            if report.failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Fetch { .. } | Command::Store(_) => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `laysum fetch`: the pages of a query into JSON Lines, with progress on a terminal and a
/// closing line that says what was written.
fn fetch_query(
    query: &str,
    out: &std::path::Path,
    resume: bool,
    config: &FetchConfig,
) -> anyhow::Result<ExitCode> {
    struct Watch {
        progress: Progress,
    }
    impl fetch::Watch for Watch {
        fn start(&mut self, state: &State) {
            if let Some(total) = state.total {
                self.progress.set_total(total);
            }
            self.progress.resume_at(state.studies);
            if state.complete {
                self.progress
                    .println("the fetch is complete already: nothing to fetch");
            } else if state.pages > 0 {
                self.progress.println(&format!(
                    "resuming after page {} ({} studies)",
                    state.pages, state.studies
                ));
            }
        }
        fn page(&mut self, state: &State) {
            if let (Some(total), 1) = (state.total, state.pages) {
                self.progress.set_total(total);
            }
            for _ in self.progress.studies()..state.studies {
                self.progress.study_done();
            }
        }
        fn retry(&mut self, page: u64, reason: &str, wait: Duration) {
            // The reason names the page already.
            let _ = page;
            self.progress.println(&format!(
                "{reason}; trying again in {:.1} s",
                wait.as_secs_f64()
            ));
        }
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    let mut watch = Watch {
        progress: Progress::for_studies(None),
    };
    let fetched = runtime.block_on(fetch::fetch(query, out, resume, config, &mut watch));
    watch.progress.finish();
    match fetched {
        Ok(state) => {
            println!(
                "fetched {} studies in {} page{} into {}",
                state.studies,
                state.pages,
                if state.pages == 1 { "" } else { "s" },
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.resumable() => {
            let state = std::fs::read(fetch::state_path(out))
                .ok()
                .and_then(|b| serde_json::from_slice::<State>(&b).ok());
            let kept = state.map_or(0, |s| s.studies);
            eprintln!(
                "error: {e}\n{kept} studies are in {}; run the same command with --resume to go on",
                out.display()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
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

/// A page is built from a few thousand small allocations (the record's strings, the facts, the
/// template values) that all die together: mimalloc's per-size free lists serve them in about
/// half the time of the system allocator, which took 15% of a batch run. Transparent huge pages
/// are left off (`no_thp`) so memory stays at what is used (21 MB for a batch, not 48).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
