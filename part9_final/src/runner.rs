//! Several blasters at once, as separate processes (`runblaster.py`).
//!
//! The original starts `python blaster.py` three times. Here a program that
//! needs blasters starts *itself* again with `--as-blaster` as its first
//! argument: `cargo run --bin runblaster` builds one binary only, so a
//! separate `blaster` binary might not exist yet, but the running program
//! always does. The child prints the blaster's progress lines and, last, one
//! `#report` line that the parent reads: message count, times, and the
//! latency histogram, so the parent can add the histograms up.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::blaster::{Load, Report, blast, parse_server, thousands};
use crate::latency::{self, Latencies};

/// The first argument that turns a program into a blaster.
pub const AS_BLASTER: &str = "--as-blaster";

/// The blaster's options, shared by `blaster` and the child mode.
#[derive(Parser, Clone, Debug)]
#[command(name = "blaster")]
pub struct BlasterArgs {
    /// Connections to open
    #[arg(short, long, default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub connections: u32,
    /// Messages to send, each on a randomly chosen connection
    #[arg(short = 'n', long, default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub messages: u64,
    /// Bytes per message
    #[arg(short, long, default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=16 << 20))]
    pub size: u32,
    /// The echo server's address, host:port
    #[arg(long, default_value = "127.0.0.1:45000", value_parser = parse_server)]
    pub server: std::net::SocketAddr,
    /// Seconds to wait for a connection or a reply before giving up
    #[arg(long, default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

impl BlasterArgs {
    /// The load these options describe.
    pub fn load(&self) -> Load {
        Load {
            connections: self.connections,
            messages: self.messages,
            size: self.size as usize,
            server: self.server,
            timeout: Duration::from_secs(self.timeout),
        }
    }

    /// The same options as command-line arguments, for a child.
    fn to_args(&self) -> Vec<String> {
        vec![
            format!("--connections={}", self.connections),
            format!("--messages={}", self.messages),
            format!("--size={}", self.size),
            format!("--server={}", self.server),
            format!("--timeout={}", self.timeout),
        ]
    }
}

/// The line a blaster prints when it is done.
pub fn summary(report: &Report) -> String {
    format!(
        "{} messages in {:.2} s ({:.2} s connecting): {} messages per \
         second, round trip p50 {}, p99 {}",
        thousands(report.messages),
        report.sending.as_secs_f64(),
        report.connecting.as_secs_f64(),
        thousands(report.rate().round() as u64),
        latency::show(report.latencies.percentile(0.50)),
        latency::show(report.latencies.percentile(0.99)),
    )
}

/// Runs a blaster with `args`: progress lines, then the summary. A child
/// also prints its `#report` line. Errors are one line on stderr.
pub fn blaster_main(args: &BlasterArgs, child: bool) -> ExitCode {
    let mut out = std::io::stdout();
    let result = blast(&args.load(), |x| {
        let written = writeln!(out, "{x}").and_then(|()| out.flush());
        // A child whose parent has gone (its pipe is closed) stops: no
        // one is left to read its report. A blaster on its own carries
        // on; its reader going away is not its problem.
        if written.is_err() && child {
            std::process::exit(1);
        }
    });
    match result {
        Ok(report) => {
            let _ = writeln!(out, "{}", summary(&report));
            if child {
                let _ = writeln!(
                    out,
                    "#report {} {} {} {}",
                    report.messages,
                    report.connecting.as_secs_f64(),
                    report.sending.as_secs_f64(),
                    report.latencies
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// If this process was started as a blaster (`--as-blaster` first), runs
/// it and exits. Call it first thing in `main`.
pub fn blaster_child_if_asked() {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == AS_BLASTER) {
        argv.remove(1);
        let args = BlasterArgs::parse_from(argv);
        let code = blaster_main(&args, true);
        std::process::exit(if code == ExitCode::SUCCESS { 0 } else { 1 });
    }
}

/// The outcome of running several blasters.
#[derive(Debug)]
pub struct Outcome {
    /// From starting the first to the end of the last (the original's
    /// figure): process start, connecting and sending.
    pub elapsed: Duration,
    /// Messages sent by all blasters together (when they all finished),
    /// or reported by their progress lines (when they were stopped).
    pub messages: u64,
    /// Every round trip of every blaster.
    pub latencies: Latencies,
    /// Why the run did not complete, if it did not.
    pub failure: Option<Failure>,
}

impl Outcome {
    /// Messages per second over the whole elapsed time.
    pub fn rate(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Why a run of blasters did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The time cap passed; the blasters were stopped.
    TimedOut(Duration),
    /// A blaster failed with this message; the others were stopped.
    Blaster(String),
}

/// Children that are killed and reaped however the parent leaves.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What a child's reader threads tell the parent.
enum Event {
    Progress(usize, u64),
    Report(usize, u64, Latencies),
    Stderr(usize, String),
}

/// Runs `count` blasters as children of `exe` (started with
/// `--as-blaster`), all against the same server, and waits for them, at
/// most `cap`. When `echo` is set, their output lines are printed as
/// they come (the original's children share its terminal).
pub fn run_blasters(
    exe: &Path,
    args: &BlasterArgs,
    count: u32,
    echo: bool,
    cap: Option<Duration>,
) -> std::io::Result<Outcome> {
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    let mut children = Children(Vec::new());
    let mut readers = Vec::new();
    for i in 0..count as usize {
        let mut child = Command::new(exe)
            .arg(AS_BLASTER)
            .args(args.to_args())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        children.0.push(child);
        let out_tx = tx.clone();
        readers.push(thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(event) = parse_line(i, &line) {
                    let _ = out_tx.send(event);
                } else if echo {
                    println!("{line}");
                }
                if let Ok(x) = line.parse() {
                    let _ = out_tx.send(Event::Progress(i, x));
                }
            }
        }));
        let err_tx = tx.clone();
        readers.push(thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let _ = err_tx.send(Event::Stderr(i, line));
            }
        }));
    }
    drop(tx);

    // Wait for every child, stopping them all at the first failure or
    // when the cap passes.
    let mut failure = None;
    let mut running = count as usize;
    let mut finished = vec![false; count as usize];
    while running > 0 {
        for (i, child) in children.0.iter_mut().enumerate() {
            if finished[i] {
                continue;
            }
            if let Some(status) = child.try_wait()? {
                finished[i] = true;
                running -= 1;
                if !status.success() && failure.is_none() {
                    failure = Some(Failure::Blaster(format!(
                        "blaster {} exited with {status}",
                        i + 1
                    )));
                }
            }
        }
        if failure.is_some() {
            break;
        }
        if let Some(cap) = cap
            && started.elapsed() >= cap
        {
            failure = Some(Failure::TimedOut(cap));
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    drop(children); // kills whatever still runs
    for reader in readers {
        let _ = reader.join();
    }

    let mut progress = vec![0; count as usize];
    let mut reported = vec![None; count as usize];
    let mut latencies = Latencies::new();
    let mut first_error: Option<(usize, String)> = None;
    for event in rx.try_iter() {
        match event {
            Event::Progress(i, x) => progress[i] = x,
            Event::Report(i, messages, hist) => {
                latencies.merge(&hist);
                reported[i] = Some(messages);
            }
            Event::Stderr(i, line) => {
                if first_error.is_none() {
                    first_error = Some((i, line));
                }
            }
        }
    }
    // A failed blaster's own message says more than its exit status.
    if let (Some(Failure::Blaster(_)), Some((i, line))) =
        (&failure, first_error)
    {
        let line = line.strip_prefix("Error: ").unwrap_or(&line);
        failure = Some(Failure::Blaster(format!("blaster {}: {line}", i + 1)));
    }
    let messages = reported
        .iter()
        .zip(&progress)
        .map(|(r, p)| r.unwrap_or(*p))
        .sum();
    Ok(Outcome {
        elapsed,
        messages,
        latencies,
        failure,
    })
}

/// A `#report` line, or `None` for any other line.
fn parse_line(i: usize, line: &str) -> Option<Event> {
    let rest = line.strip_prefix("#report ")?;
    let mut fields = rest.split(' ');
    let messages = fields.next()?.parse().ok()?;
    let _connecting: f64 = fields.next()?.parse().ok()?;
    let _sending: f64 = fields.next()?.parse().ok()?;
    let hist = Latencies::parse(fields.next()?)?;
    Some(Event::Report(i, messages, hist))
}
