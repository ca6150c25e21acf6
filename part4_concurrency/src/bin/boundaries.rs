//! # boundaries: what a thread or a process in the pipeline costs (slides 80, 87; no original script)
//!
//! The course measures its `threaded` stage "about 50% slower" than the
//! same pipeline in one thread, and warns that a process boundary costs
//! serialization on top. This command measures both, in Rust, on the same
//! file: the bus pipeline of `buses` with no boundary, with the
//! `threaded` stage of `cothread`, and with the `sendto` pipe of
//! `coprocess` to a child process; plus two variants that show where the
//! cost of each boundary comes from (one hand-off per 256 buses instead
//! of one per bus). Every variant must print the same lines.
//!
//! Run it in release mode, on a quiet machine:
//!
//! ```text
//! cargo run --release --bin boundaries
//! cargo run --release --bin boundaries -- --python PATH/TO/COURSE/SCRIPTS
//! ```
//!
//! By default it makes a 30 MB file with Part 3's generator (as
//! `mkroutes --megabytes 30` does); give a file to use that instead. With
//! `--python`, it also times the course's `buses.py`, `cothread.py` and
//! `coprocess.py` on the same file (`coprocess.py` starts `python
//! busproc.py`: it needs a `python` on the PATH).
//!
//! Each run of each variant happens in a fresh process (this program,
//! started again with a hidden first argument), so that no variant
//! inherits the memory state another left; the variant times itself
//! there. Like `coprocess`, it also starts itself again as the child
//! process of the process variants (in busproc mode), so it needs no
//! other binary.

use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Fail, Target};
use part3_events::buses::{
    bus_locations_into, buses_to_dicts, filter_on_field,
};
use part3_events::routes::{DEFAULT_SEED, Size, write_routes};
use part3_events::sax::{self, EventHandler};
use part3_events::{Bus, XmlError};
use part4_concurrency::busproc::{busproc_child_if_asked, busproc_command};
use part4_concurrency::child::anonymous_file;
use part4_concurrency::{ChildInput, Coprocess, cause, sendto, threaded};

/// Times the bus pipeline with no boundary, a thread and a process.
#[derive(Parser)]
#[command(name = "boundaries")]
struct Args {
    /// A bus file to use [default: a new one of --megabytes]
    file: Option<PathBuf>,
    /// Size of the file to make, in megabytes (10^6 bytes)
    #[arg(long, default_value_t = 30.0, value_parser = positive)]
    megabytes: f64,
    /// Times to run each variant (best and median are shown)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
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

/// Where a variant's printer writes: memory both threads can reach.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut lines =
            self.0.lock().map_err(|_| io::Error::other("poisoned"))?;
        lines.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// The two filters, in front of `target`.
fn filters<T: Target<Bus> + 'static>(target: T) -> Consumer<Bus> {
    filter_on_field(
        "route",
        "22",
        filter_on_field("direction", "North Bound", target),
    )
}

/// The second half of the pipeline: the filters and the printer.
fn second_half(out: Lines) -> Consumer<Bus> {
    filters(bus_locations_into(out))
}

/// Parses `path` with the SAX source of `buses`, `cothread` and
/// `coprocess`, into `buses_to_dicts(target)`.
fn first_half<T: Target<Bus> + 'static>(
    path: &Path,
    target: T,
) -> Result<(), Fail> {
    let mut handler = EventHandler::new(buses_to_dicts(target));
    sax::parse(path, &mut handler)?;
    handler.into_target().close()?;
    Ok(())
}

/// buses: no boundary.
fn plain(path: &Path) -> Result<Vec<u8>, Fail> {
    let out = Lines::default();
    first_half(path, second_half(out.clone()))?;
    Ok(out.take())
}

/// buses again, with a second thread that does nothing but wait.
fn plain_beside_a_thread(path: &Path) -> Result<Vec<u8>, Fail> {
    let (stop, wait) = std::sync::mpsc::channel::<()>();
    let idle = std::thread::spawn(move || wait.recv());
    let printed = plain(path);
    drop(stop);
    let _ = idle.join();
    printed
}

/// cothread: the second half in a worker thread, one bus per hand-off.
fn thread_per_bus(path: &Path) -> Result<Vec<u8>, Fail> {
    let out = Lines::default();
    let inner = out.clone();
    let worker = threaded(move || second_half(inner));
    let mut worker = part1_generators::Shared::new(worker);
    first_half(path, worker.clone())?;
    worker.close().map_err(cause)?;
    Ok(out.take())
}

// ANCHOR: batches
/// Gathers the buses it receives into batches of [`BATCH`] and sends
/// each batch on as one item (the rest at close).
struct Batches<X> {
    batch: Vec<Bus>,
    target: X,
}

/// Buses per batch.
const BATCH: usize = 256;

impl<X: Target<Vec<Bus>>> Target<Bus> for Batches<X> {
    fn send(&mut self, bus: Bus) -> Result<(), CoroutineError> {
        self.batch.push(bus);
        if self.batch.len() == BATCH {
            let full =
                std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            self.target.send(full)?;
        }
        Ok(())
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        if !self.batch.is_empty() {
            self.target.send(std::mem::take(&mut self.batch))?;
        }
        self.target.close()
    }
}

/// Sends each bus of each batch it receives into `target`.
struct OneByOne<X>(X);

impl<X: Target<Bus>> Target<Vec<Bus>> for OneByOne<X> {
    fn send(&mut self, batch: Vec<Bus>) -> Result<(), CoroutineError> {
        batch.into_iter().try_for_each(|bus| self.0.send(bus))
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        self.0.close()
    }
}
// ANCHOR_END: batches

/// cothread, with one hand-off per batch of buses.
fn thread_per_batch(path: &Path) -> Result<Vec<u8>, Fail> {
    let out = Lines::default();
    let inner = out.clone();
    // ANCHOR: batched_thread
    let worker = threaded(move || OneByOne(second_half(inner)));
    // Handles on both new stages: buses_to_dicts drops its target
    // without closing it, and only a close sends the last batch.
    let mut batches = part1_generators::Shared::new(Batches {
        batch: Vec::with_capacity(BATCH),
        target: worker,
    });
    first_half(path, batches.clone())?;
    batches.close().map_err(cause)?;
    // ANCHOR_END: batched_thread
    Ok(out.take())
}

/// The thread after the filters: only the buses they keep cross.
fn thread_after_filters(path: &Path) -> Result<Vec<u8>, Fail> {
    let out = Lines::default();
    let inner = out.clone();
    let printer = threaded(move || bus_locations_into(inner));
    let mut printer = part1_generators::Shared::new(printer);
    first_half(path, filters(printer.clone()))?;
    printer.close().map_err(cause)?;
    Ok(out.take())
}

/// coprocess: the second half in a child process (this program, in
/// busproc mode), one JSON line written and flushed per bus.
fn process_per_bus(path: &Path) -> Result<Vec<u8>, Fail> {
    in_child(|pipe| first_half(path, sendto(pipe)))
}

/// A writer that does not pass `flush` on: the buffer is written when it
/// is full and when the writer is dropped.
struct FlushWhenFull<W: Write>(BufWriter<W>);

impl<W: Write> Write for FlushWhenFull<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// coprocess, with the pipe written 64 KiB at a time.
fn process_per_block(path: &Path) -> Result<Vec<u8>, Fail> {
    in_child(|pipe| {
        let pipe = FlushWhenFull(BufWriter::with_capacity(1 << 16, pipe));
        first_half(path, sendto(pipe))
    })
}

/// Starts this program as busproc, with its output going into a file;
/// runs `send` with the pipe to its input; returns what it printed.
/// (A file, not a pipe: a pipe would need a thread here to read it, and
/// a second thread slows the allocator down: see "thread after the
/// filters".)
fn in_child(
    send: impl FnOnce(ChildInput) -> Result<(), Fail>,
) -> Result<Vec<u8>, Fail> {
    let mut printed = anonymous_file("stdout")?;
    let mut command = busproc_command()?;
    command.stdout(printed.try_clone()?);
    let (mut child, pipe) = Coprocess::start(command, "busproc")?;
    let sent = send(pipe);
    child.wait_for_end()?;
    sent?;
    let mut lines = Vec::new();
    printed.seek(SeekFrom::Start(0))?;
    printed.read_to_end(&mut lines)?;
    Ok(lines)
}

/// The pipe after the filters: only the buses they keep cross (the
/// child filters them again, and keeps them all).
fn process_after_filters(path: &Path) -> Result<Vec<u8>, Fail> {
    in_child(|pipe| first_half(path, filters(sendto(pipe))))
}

type Variant = fn(&Path) -> Result<Vec<u8>, Fail>;

// ANCHOR: variants
const VARIANTS: &[(&str, &str, Variant)] = &[
    ("buses", "no boundary, one thread", plain),
    (
        "-",
        "no boundary, an idle thread beside",
        plain_beside_a_thread,
    ),
    ("cothread", "thread: every bus, one by one", thread_per_bus),
    ("-", "thread: every bus, 256 at a time", thread_per_batch),
    ("-", "thread after the filters", thread_after_filters),
    (
        "coprocess",
        "process: every bus, one write each",
        process_per_bus,
    ),
    ("-", "process: every bus, 64 KiB writes", process_per_block),
    ("-", "process after the filters", process_after_filters),
];
// ANCHOR_END: variants

/// The hidden first argument that makes this program time one variant.
const AS_VARIANT: &str = "--as-variant";

/// Runs variant `index` once, in a fresh process (this program again):
/// each run starts from a fresh memory allocator, as a lesson does, and
/// no variant inherits what an earlier one left in the heap. Returns the
/// time the variant took (measured in that process) and what it printed.
fn time_in_child(
    index: usize,
    path: &Path,
) -> Result<(Duration, Vec<u8>), Fail> {
    let mut out = anonymous_file("variant")?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg(AS_VARIANT)
        .arg(index.to_string())
        .arg(path)
        .stdout(out.try_clone()?);
    let (mut child, input) = Coprocess::start(command, "boundaries")?;
    drop(input);
    child.wait_for_end()?;
    let mut text = Vec::new();
    out.seek(SeekFrom::Start(0))?;
    out.read_to_end(&mut text)?;
    let newline = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    let seconds: f64 = std::str::from_utf8(&text[..newline])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Fail::new("a timed run did not say its time"))?;
    let printed = text.get(newline + 1..).unwrap_or_default().to_vec();
    Ok((Duration::from_secs_f64(seconds), printed))
}

/// If started as `boundaries --as-variant N FILE`: runs variant N on
/// FILE once, prints the seconds it took on a first line, then what the
/// variant printed, and exits.
fn variant_child_if_asked() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_none_or(|a| a != AS_VARIANT) {
        return;
    }
    let run = || -> Result<(), Fail> {
        let [_, _, index, path] = &args[..] else {
            return Err(Fail::new("usage: boundaries --as-variant N FILE"));
        };
        let variant = index
            .to_str()
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| VARIANTS.get(i))
            .ok_or_else(|| Fail::new("no such variant"))?
            .2;
        let start = Instant::now();
        let printed = variant(Path::new(path))?;
        let seconds = start.elapsed().as_secs_f64();
        let mut out = io::stdout().lock();
        writeln!(out, "{seconds}")?;
        out.write_all(&printed)?;
        out.flush()?;
        Ok(())
    };
    let code = match run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Error: {e:?}");
            1
        }
    };
    std::process::exit(code);
}

fn main() -> Result<(), Fail> {
    // A child started by this very program: be busproc, or time one
    // variant, then exit.
    busproc_child_if_asked();
    variant_child_if_asked();
    let args = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!(
            "\n*** WARNING: this is a DEBUG build: its timings mean nothing. ***\n\
             *** Run: cargo run --release --bin boundaries                ***\n"
        );
    }
    let (path, made) = match &args.file {
        Some(path) => (path.clone(), false),
        None => (make_file(args.megabytes)?, true),
    };
    let result = measure(&args, &path);
    if made {
        let _ = std::fs::remove_file(&path);
    }
    result
}

/// Writes a bus file of `megabytes` into the temporary folder.
fn make_file(megabytes: f64) -> Result<PathBuf, Fail> {
    let path = std::env::temp_dir()
        .join(format!("boundaries-{}.xml", std::process::id()));
    let cannot = |e: io::Error| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(&path).map_err(cannot)?;
    let bytes = (megabytes * 1e6).round() as u64;
    let mut out = BufWriter::new(file);
    let written = write_routes(&mut out, DEFAULT_SEED, Size::Bytes(bytes))
        .map_err(cannot)?;
    out.flush().map_err(cannot)?;
    eprintln!(
        "made {} ({} buses, {} bytes)",
        path.display(),
        written.buses,
        written.bytes
    );
    Ok(path)
}

/// The best and the median of some durations, in seconds.
fn best_and_median(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let best = times.first().copied().unwrap_or_default();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    (best.as_secs_f64(), median.as_secs_f64())
}

fn measure(args: &Args, path: &Path) -> Result<(), Fail> {
    let size = std::fs::metadata(path)
        .map_err(|e| XmlError::read(path, e))?
        .len();
    // A first run checks the file (and warms the cache) before timing.
    let expected = plain(path)?;
    let buses = count_buses(path)?;
    println!(
        "{:.1} MB, {buses} buses, best and median of {} run(s), {} build",
        size as f64 / 1e6,
        args.runs,
        if cfg!(debug_assertions) {
            "DEBUG"
        } else {
            "release"
        }
    );
    println!();
    println!(
        "{:<10} {:<35} {:>7} {:>7} {:>9} {:>9}",
        "lesson", "boundary", "best s", "median", "vs plain", "µs/bus"
    );
    let mut plain_best = 0.0;
    for (index, &(lesson, what, _)) in VARIANTS.iter().enumerate() {
        let mut times = Vec::new();
        for _ in 0..args.runs {
            let (time, printed) = time_in_child(index, path)?;
            times.push(time);
            if printed != expected {
                return Err(Fail::new(format!(
                    "`{what}` printed other lines than the plain pipeline"
                )));
            }
        }
        let (best, median) = best_and_median(times);
        if lesson == "buses" {
            plain_best = best;
        }
        println!(
            "{lesson:<10} {what:<35} {best:>7.3} {median:>7.3} {:>8.2}x {:>9.2}",
            best / plain_best,
            (best - plain_best) * 1e6 / buses.max(1) as f64
        );
    }
    let lines = expected.iter().filter(|&&b| b == b'\n').count();
    println!();
    println!("every variant printed the same {lines} lines");
    if let Some(dir) = &args.python {
        python(args, dir, path, &expected)?;
    }
    Ok(())
}

/// The number of buses in the file (what crosses each boundary).
fn count_buses(path: &Path) -> Result<u64, Fail> {
    struct Count(Arc<Mutex<u64>>);
    impl Target<Bus> for Count {
        fn send(&mut self, _: Bus) -> Result<(), CoroutineError> {
            if let Ok(mut n) = self.0.lock() {
                *n += 1;
            }
            Ok(())
        }
    }
    let n = Arc::new(Mutex::new(0));
    first_half(path, Count(Arc::clone(&n)))?;
    let count = n.lock().map(|n| *n).unwrap_or(0);
    Ok(count)
}

/// Times the course's scripts on the same file.
fn python(
    args: &Args,
    dir: &Path,
    path: &Path,
    expected: &[u8],
) -> Result<(), Fail> {
    let dir = dir
        .canonicalize()
        .map_err(|e| Fail::new(format!("cannot use {}: {e}", dir.display())))?;
    // The scripts read "allroutes.xml" in the current folder, and
    // coprocess.py starts "python busproc.py" there: run them in a
    // folder of their own with the file.
    let work = std::env::temp_dir()
        .join(format!("boundaries-python-{}", std::process::id()));
    let outcome = (|| {
        std::fs::create_dir_all(&work)?;
        let modules = ["coroutine.py", "cosax.py", "buses.py"];
        let scripts = ["buses.py", "cothread.py", "coprocess.py", "busproc.py"];
        for name in modules.iter().chain(&scripts) {
            std::fs::copy(dir.join(name), work.join(name)).map_err(|e| {
                Fail::new(format!(
                    "cannot copy {}: {e}",
                    dir.join(name).display()
                ))
            })?;
        }
        std::fs::copy(path, work.join("allroutes.xml"))?;
        println!();
        println!(
            "Python originals ({}), best and median of {} run(s):",
            args.python_exe, args.runs
        );
        println!(
            "{:<14} {:>7} {:>7} {:>9}",
            "script", "best s", "median", "vs plain"
        );
        let mut plain_best = 0.0;
        for script in &scripts[..3] {
            let mut times = Vec::new();
            for _ in 0..args.runs {
                let start = Instant::now();
                let output = Command::new(&args.python_exe)
                    .arg(script)
                    .current_dir(&work)
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|e| {
                        Fail::new(format!("cannot run {script}: {e}"))
                    })?;
                times.push(start.elapsed());
                if !output.status.success() || output.stdout != expected {
                    return Err(Fail::new(format!(
                        "{script} did not print the expected lines{}",
                        stderr_line(&output.stderr)
                    )));
                }
            }
            let (best, median) = best_and_median(times);
            if *script == "buses.py" {
                plain_best = best;
            }
            println!(
                "{script:<14} {best:>7.2} {median:>7.2} {:>8.2}x",
                best / plain_best
            );
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    outcome
}

/// The last line a failed script wrote on its standard error.
fn stderr_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    match text.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(line) => format!(" ({})", line.trim()),
        None => String::new(),
    }
}
