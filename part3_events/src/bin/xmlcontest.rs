//! # xmlcontest: the performance contest (slides 71, 73, 74; no original script)
//!
//! The course timed its event sources on a 30 MB bus file: SAX 8.37 s,
//! expat 4.51 s, the C extension 2.95 s, and ElementTree's `iterparse`
//! (no coroutines) 3.04 s. This is the workbook's contest: it makes a
//! 30 MB file with `mkroutes`'s generator, runs every event source over it
//! with the same stages (`buses_to_dicts`, two `filter_on_field`,
//! `bus_locations`), checks that they all print the same lines, and
//! prints a table: seconds, megabytes per second, events per second.
//!
//! Run it in release mode (a debug build is many times slower, and says so):
//!
//! ```text
//! cargo run --release --bin xmlcontest
//! cargo run --release --bin xmlcontest -- --python /path/to/course/scripts
//! ```
//!
//! With `--python`, it also runs the course's `buses.py`, `coexpat.py`
//! and `iterbus.py` (and `cxml/test.py`, if the C extension has been built
//! there) on the same file, checks their output, and adds their times.
//! Each source runs `--runs` times (default 3); the table shows the best.
//! Timings depend on the machine and on what else it is doing: run it on
//! a quiet machine. Last, it says how much more two quick-xml parsers get
//! done at once than one, before the contest and after: the two-thread
//! row can only be fast when that is near 2.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Fail, Target};
use part3_events::buses::{
    Bus, bus_location, bus_locations_into, buses_to_dicts, filter_on_field,
};
use part3_events::event::{Batch, EventBatch};
use part3_events::routes::{DEFAULT_SEED, Size, write_routes};
use part3_events::sax::{self, EventHandler};
use part3_events::{Document, Event, XmlError, cxml, expat_parse, two_threads};

/// Times every event source on a large bus file.
#[derive(Parser)]
#[command(name = "xmlcontest")]
struct Args {
    /// A bus file to use [default: a new one of --megabytes]
    file: Option<PathBuf>,
    /// Size of the file to make, in megabytes (10^6 bytes)
    #[arg(long, default_value_t = 30.0, value_parser = positive)]
    megabytes: f64,
    /// Times to run each source (the best run counts)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Folder of the course's Python scripts, to time them too
    #[arg(long)]
    python: Option<PathBuf>,
    /// The Python interpreter
    #[arg(long, default_value = "python3")]
    python_exe: String,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected a number of megabytes > 0, got `{text}`")),
    }
}

/// What one run of a source produced.
struct Run {
    /// The lines `bus_locations` printed.
    lines: Vec<u8>,
    /// Events the source sent (or, without coroutines, read).
    events: u64,
}

/// A writer the printing stage and the contest share.
#[derive(Clone, Default)]
struct Lines(Rc<RefCell<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

// ANCHOR: pipeline
/// The stages every coroutine source feeds, printing into `out`. (`E` is
/// what the source sends: single events, or batches of them.)
fn pipeline<E: EventBatch>(out: &Lines) -> Consumer<E> {
    buses_to_dicts(filter_on_field(
        "route",
        "22",
        filter_on_field(
            "direction",
            "North Bound",
            bus_locations_into(out.clone()),
        ),
    ))
}
// ANCHOR_END: pipeline

type Contestant = fn(&Path) -> Result<Run, Fail>;

/// buses.py: SAX callbacks turned into events.
fn sax_source(path: &Path) -> Result<Run, Fail> {
    let out = Lines::default();
    let mut handler = EventHandler::new(pipeline(&out));
    let events = sax::parse(path, &mut handler)?;
    handler.into_target().close()?;
    Ok(Run {
        lines: out.take(),
        events,
    })
}

/// coexpat.py: one loop sending quick-xml's events.
fn expat_source(path: &Path) -> Result<Run, Fail> {
    let out = Lines::default();
    let mut target = pipeline(&out);
    let events = expat_parse(path, &mut target)?;
    target.close()?;
    Ok(Run {
        lines: out.take(),
        events,
    })
}

/// cxmlparse: events are views into the file, no copies.
fn cxml_source(path: &Path) -> Result<Run, Fail> {
    let out = Lines::default();
    let mut target = pipeline(&out);
    let events = cxml::parse(path, &mut target)?;
    target.close()?;
    Ok(Run {
        lines: out.take(),
        events,
    })
}

/// Unpacks each batch and sends its events on one at a time: one
/// coroutine switch per event, to see what batching saves.
struct OneByOne<T>(T);

impl<T: Target<Event>> Target<Batch> for OneByOne<T> {
    fn send(&mut self, batch: Batch) -> Result<(), CoroutineError> {
        for event in batch {
            self.0.send(event)?;
        }
        Ok(())
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        self.0.close()
    }
}

/// cxmlparse again, with one switch per event.
fn cxml_one_by_one(path: &Path) -> Result<Run, Fail> {
    let out = Lines::default();
    let mut target = OneByOne(pipeline::<Event>(&out));
    let events = cxml::parse(path, &mut target)?;
    target.close()?;
    Ok(Run {
        lines: out.take(),
        events,
    })
}

/// cxmlparse --two-threads: the parser on a thread of its own.
fn two_threads_source(path: &Path) -> Result<Run, Fail> {
    let out = Lines::default();
    let mut target = pipeline(&out);
    let events = two_threads::parse(path, &mut target)?;
    target.close()?;
    Ok(Run {
        lines: out.take(),
        events,
    })
}

// ANCHOR: pull_loop
/// iterbus.py: the same filter as a plain loop, no coroutines.
fn pull_loop(path: &Path) -> Result<Run, Fail> {
    let mut lines = Vec::new();
    let document = Document::load(path)?;
    let mut buses = document.buses();
    for bus in &mut buses {
        let bus: Bus = bus?;
        if bus.get("route").is_some_and(|r| r == "22")
            && bus.get("direction").is_some_and(|d| d == "North Bound")
        {
            writeln!(lines, "{}", bus_location(&bus)?)?;
        }
    }
    Ok(Run {
        lines,
        events: buses.events_read(),
    })
}
// ANCHOR_END: pull_loop

/// The parser alone, for reference: every event read, nothing done.
fn parser_alone(path: &Path) -> Result<Run, Fail> {
    let document = Document::load(path)?;
    let events = part3_events::iterparse::count_events(&document)?;
    Ok(Run {
        lines: Vec::new(),
        events,
    })
}

const CONTESTANTS: &[(&str, &str, Contestant)] = &[
    ("buses", "SAX callbacks -> events", sax_source),
    ("coexpat", "expat_parse", expat_source),
    ("cxmlparse", "cxml::parse", cxml_source),
    ("-", "cxml::parse, unbatched", cxml_one_by_one),
    ("cxmlparse", "--two-threads", two_threads_source),
    ("iterbus", "pull loop, no coroutines", pull_loop),
];

/// Runs `f` `runs` times; returns its result and the best time.
fn best_of<T>(
    runs: u32,
    mut f: impl FnMut() -> Result<T, Fail>,
) -> Result<(T, Duration), Fail> {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        let r = f()?;
        best = best.min(start.elapsed());
        result = Some(r);
    }
    match result {
        Some(r) => Ok((r, best)),
        None => Err(Fail::new("no run")),
    }
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!(
            "\n*** WARNING: this is a DEBUG build: its timings mean nothing. ***\n\
             *** Run: cargo run --release --bin xmlcontest                ***\n"
        );
    }
    let (path, made) = match &args.file {
        Some(path) => (path.clone(), false),
        None => (make_file(args.megabytes)?, true),
    };
    let result = contest(&args, &path);
    if made {
        let _ = std::fs::remove_file(&path);
    }
    result
}

/// Writes a bus file of `megabytes` into the temporary folder.
fn make_file(megabytes: f64) -> Result<PathBuf, Fail> {
    let path = std::env::temp_dir()
        .join(format!("xmlcontest-{}.xml", std::process::id()));
    let bytes = (megabytes * 1e6).round() as u64;
    let file = std::fs::File::create(&path).map_err(|e| {
        Fail::new(format!("cannot write {}: {e}", path.display()))
    })?;
    let written = write_routes(
        io::BufWriter::new(file),
        DEFAULT_SEED,
        Size::Bytes(bytes),
    )
    .map_err(|e| Fail::new(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "made {} ({} buses, {} bytes)",
        path.display(),
        written.buses,
        written.bytes
    );
    Ok(path)
}

fn contest(args: &Args, path: &Path) -> Result<(), Fail> {
    let size = std::fs::metadata(path)
        .map_err(|e| XmlError::read(path, e))?
        .len();
    let megabytes = size as f64 / 1e6;
    // A first run checks the file (and warms the cache) before any timing.
    pull_loop(path)?;
    println!(
        "{megabytes:.1} MB, best of {} run(s), {} build",
        args.runs,
        if cfg!(debug_assertions) {
            "DEBUG"
        } else {
            "release"
        }
    );
    println!();
    println!(
        "{:<10} {:<26} {:>8} {:>8} {:>10} {:>10}",
        "lesson", "source", "seconds", "MB/s", "events/s", "vs loop"
    );
    let cores_before = two_at_once(path)?;
    let mut results = Vec::new();
    for &(lesson, source, f) in CONTESTANTS {
        let (run, time) = best_of(args.runs, || f(path))?;
        results.push((lesson, source, run, time));
    }
    let loop_time = results
        .iter()
        .find(|r| r.0 == "iterbus")
        .map_or(Duration::ZERO, |r| r.3);
    let (alone, alone_time) = best_of(args.runs, || parser_alone(path))?;
    let (alone_037, alone_037_time) = best_of(args.runs, || {
        Ok(Run {
            lines: Vec::new(),
            events: two_threads::count_events(path)?,
        })
    })?;
    for (lesson, source, run, time) in &results {
        print_row(lesson, source, run.events, *time, megabytes, loop_time);
    }
    print_row(
        "-",
        "quick-xml alone, no stages",
        alone.events,
        alone_time,
        megabytes,
        loop_time,
    );
    print_row(
        "-",
        "quick-xml 0.37, mapped",
        alone_037.events,
        alone_037_time,
        megabytes,
        loop_time,
    );
    // Every source must have printed the same lines.
    let expected = &results[0].2.lines;
    let lines = expected.iter().filter(|&&b| b == b'\n').count();
    for (lesson, _, run, _) in &results[1..] {
        if &run.lines != expected {
            return Err(Fail::new(format!(
                "{lesson} printed other lines than {}",
                results[0].0
            )));
        }
    }
    let cores_after = two_at_once(path)?;
    println!();
    println!("every source printed the same {lines} lines");
    println!(
        "two parsers at once did {cores_before:.1}x (before) and \
         {cores_after:.1}x (after) the work of one (2.0x: two free cores)"
    );
    if cfg!(debug_assertions) {
        println!(
            "*** DEBUG build: these timings mean nothing (use --release) ***"
        );
    }
    if let Some(dir) = &args.python {
        python(args, dir, path, expected, &results, megabytes)?;
    }
    Ok(())
}

/// How much more two threads parsing the file at once get done than one
/// (quick-xml 0.37, mapped; best of 3 each way): about 2 when the machine gives this process
/// two free cores; nearer 1 when it does not (a shared machine, another
/// busy program), and then the two-thread row slows down with it.
fn two_at_once(path: &Path) -> Result<f64, Fail> {
    let count = || two_threads::count_events(path);
    let (_, in_a_row) = best_of(3, || Ok(count()? + count()?))?;
    let (_, at_once) = best_of(3, || {
        std::thread::scope(|scope| {
            let other = scope.spawn(count);
            let here = count();
            let other = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok(here? + other?)
        })
    })?;
    Ok(in_a_row.as_secs_f64() / at_once.as_secs_f64())
}

fn print_row(
    lesson: &str,
    source: &str,
    events: u64,
    time: Duration,
    megabytes: f64,
    loop_time: Duration,
) {
    let seconds = time.as_secs_f64();
    println!(
        "{lesson:<10} {source:<26} {seconds:>8.3} {:>8.0} {:>9.1}M {:>9.2}x",
        megabytes / seconds,
        events as f64 / seconds / 1e6,
        seconds / loop_time.as_secs_f64()
    );
}

/// Runs the course's scripts on the same file and compares.
fn python(
    args: &Args,
    dir: &Path,
    path: &Path,
    expected: &[u8],
    results: &[(&str, &str, Run, Duration)],
    megabytes: f64,
) -> Result<(), Fail> {
    let dir = dir
        .canonicalize()
        .map_err(|e| Fail::new(format!("cannot use {}: {e}", dir.display())))?;
    // The scripts open "allroutes.xml" in the current folder (the C
    // extension's test opens "../allroutes.xml").
    let work = std::env::temp_dir()
        .join(format!("xmlcontest-python-{}", std::process::id()));
    std::fs::create_dir_all(work.join("cxml"))?;
    let data = work.join("allroutes.xml");
    std::fs::copy(path, &data)?;
    println!();
    println!("Python originals ({}), one run each:", args.python_exe);
    println!(
        "{:<22} {:>8} {:>8} {:>14}  (ours)",
        "script", "seconds", "MB/s", "ours is faster"
    );
    let scripts = [
        ("buses.py", "buses", "."),
        ("coexpat.py", "coexpat", "."),
        ("cxml/test.py", "cxmlparse", "cxml"),
        ("iterbus.py", "iterbus", "."),
    ];
    let outcome = (|| {
        for (script, ours, cwd) in scripts {
            let file = dir.join(script);
            if script.starts_with("cxml") && !has_extension(&dir.join("cxml")) {
                println!("{script:<22} skipped (C extension not built)");
                continue;
            }
            let start = Instant::now();
            let output = Command::new(&args.python_exe)
                .arg(&file)
                .current_dir(work.join(cwd))
                .output()
                .map_err(|e| Fail::new(format!("cannot run {script}: {e}")))?;
            let seconds = start.elapsed().as_secs_f64();
            if !output.status.success() {
                return Err(Fail::new(format!(
                    "{script} failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                )));
            }
            let same = if ours == "iterbus" {
                swap_first_fields(&output.stdout) == expected
            } else {
                output.stdout == expected
            };
            let mine = results
                .iter()
                .find(|r| r.0 == ours)
                .map_or(f64::NAN, |r| r.3.as_secs_f64());
            println!(
                "{script:<22} {seconds:>8.2} {:>8.1} {:>13.1}x  {ours}{}",
                megabytes / seconds,
                seconds / mine,
                if same { "" } else { "  (OUTPUT DIFFERS)" }
            );
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    outcome
}

/// Whether the C extension has been built in `dir`.
fn has_extension(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("cxmlparse") && name.ends_with(".so")
        })
    })
}

/// iterbus.py prints `id,route,...`; the others `route,id,...`.
fn swap_first_fields(output: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(output);
    let mut out = String::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ',');
        let (a, b, rest) = (parts.next(), parts.next(), parts.next());
        if let (Some(a), Some(b), Some(rest)) = (a, b, rest) {
            out.push_str(&format!("{b},{a},{rest}\n"));
        }
    }
    out.into_bytes()
}
