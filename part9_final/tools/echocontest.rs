//! # echocontest: every echo server of the workbook under one load (slide 192; a tool, no original)
//!
//! The course timed one load against three servers: Twisted 420.7 s,
//! coroutines 326.3 s, threads 42.8 s (Python, 2009). This runs that race
//! over the workbook's servers, one after the other. It builds them in
//! release mode, then for each: starts it on a free port of 127.0.0.1,
//! runs the course's `runblaster` against it, reads the server's peak
//! memory from `/proc`, and stops it. Then it prints a table (seconds,
//! messages per second, peak memory) and writes a bar chart of messages
//! per second as SVG, by default where the slides include it.
//!
//! The default load, 3 blasters x 300 connections x 50,000 messages, is
//! half the course's; `--full` runs its 100,000. With `--python-dir DIR`
//! (a folder holding the Python originals) their servers join, under a
//! tenth of the load. A server that falls 10 s behind fails its row.
//!
//! Run it with `cargo run --release --bin echocontest` (a few seconds per
//! server, after the build); `--only NAME` runs the named rows only.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::Fail;

/// Races the workbook's echo servers under the same load.
#[derive(Parser)]
#[command(name = "echocontest", about = "Races the echo servers")]
struct Args {
    /// Blaster processes per server
    #[arg(short, long, default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    blasters: u32,
    /// Connections per blaster
    #[arg(short, long, default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    connections: u32,
    /// Messages per blaster [default: 50000, or 100000 with --full]
    #[arg(short = 'n', long, conflicts_with = "full",
          value_parser = clap::value_parser!(u64).range(1..))]
    messages: Option<u64>,
    /// The course's full load: 100,000 messages per blaster
    #[arg(long)]
    full: bool,
    /// Runs per server; the table shows the median run
    #[arg(long, default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=99))]
    repeat: u32,
    /// Run only the rows with this name (repeatable)
    #[arg(long, value_name = "NAME")]
    only: Vec<String>,
    /// A folder holding the Python originals: their servers join
    #[arg(long, value_name = "DIR")]
    python_dir: Option<PathBuf>,
    /// Where to write the chart [default: the slides' contest.svg]
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Take the binaries from DIR instead of building them
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
}

// ANCHOR: servers
/// Every echo server of the workbook: name in the table, binary, and
/// arguments. Each is started with `--port 0` besides, and must say
/// `NAME: listening on ADDRESS` on stderr once it listens.
#[rustfmt::skip]
const SERVERS: &[(&str, &str, &[&str])] = &[
    ("echogood2",            "echogood2",    &[]),
    ("echoserver",           "echoserver",   &[]),
    ("echoserver2",          "echoserver2",  &[]),
    ("echostackful",         "echostackful", &[]),
    ("twistedecho",          "twistedecho",  &[]),
    ("echothread",           "echothread",   &[]),
    ("tokio current-thread", "echotokio",    &["--flavor", "current-thread"]),
    ("tokio multi-thread",   "echotokio",    &["--flavor", "multi-thread"]),
];
// ANCHOR_END: servers

/// The Python originals that join with `--python-dir`.
#[rustfmt::skip]
const PYTHON_SERVERS: &[&str] = &[
    "echothread.py", "echogood2.py", "echoserver.py", "echoserver2.py",
    "twistedecho.py",
];

/// Runs a Python original unchanged, except that its socket on port
/// 45000 binds a free port of 127.0.0.1 instead, and says where once it
/// listens, as the workbook's servers do. Run in the scripts' folder, so
/// that `from pyos8 import *` finds its module.
const PYTHON_WRAPPER: &str = "\
import socket, sys
script = sys.argv[1]
bind, listen = socket.socket.bind, socket.socket.listen
def loopback_bind(self, address):
    if isinstance(address, tuple) and address[1] == 45000:
        address = ('127.0.0.1', 0)
    return bind(self, address)
def announcing_listen(self, *backlog):
    listen(self, *backlog)
    host, port = self.getsockname()[:2]
    print(f'{script}: listening on {host}:{port}', file=sys.stderr, flush=True)
socket.socket.bind, socket.socket.listen = loopback_bind, announcing_listen
sys.argv = [script]
code = compile(open(script).read(), script, 'exec')
exec(code, {'__name__': '__main__', '__file__': script})
";

/// A server in the race: its name, whether it is a Python original, and
/// the command that starts it.
struct Contestant {
    name: String,
    python: bool,
    command: Command,
}

/// One line of the table.
struct Row {
    name: String,
    python: bool,
    load: String,
    /// Seconds and messages per second, if the load ran to its end.
    figures: Option<(f64, f64)>,
    peak_kib: Option<u64>,
    note: String,
}

/// A server process, killed and reaped however the race leaves it; its
/// stderr lines arrive on `stderr`.
struct Server {
    child: Child,
    stderr: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `command` and waits (10 s at most) for its
    /// `NAME: listening on ADDRESS` line; returns the address.
    fn start(command: &mut Command) -> Result<(Server, String), String> {
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null()) // a line per client, read by nobody
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let pipe = child.stderr.take().expect("stderr is piped");
        let (tx, stderr) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Server { child, stderr };
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.stderr.recv_timeout(left) {
                Ok(line) => match line.split_once(": listening on ") {
                    Some((_, addr)) => return Ok((server, addr.into())),
                    None => last = line,
                },
                Err(RecvTimeoutError::Timeout) => {
                    return Err("the server did not listen within 10 s".into());
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status =
                        server.child.wait().map_err(|e| e.to_string())?;
                    return Err(why_it_exited(&status.to_string(), &last));
                }
            }
        }
    }

    /// Why the server exited, if it has: its status and last line.
    fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        let mut last = String::new();
        // What it wrote before it exited, to the end of the pipe.
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_secs(1)) {
            last = line;
        }
        Some(why_it_exited(&status.to_string(), &last))
    }

    /// Peak resident memory in KiB (`VmHWM` of `/proc/PID/status`).
    fn peak_kib(&self) -> Option<u64> {
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(path).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

/// A server that exited: its status and last line, and for a missing
/// Python module the one command that supplies it.
fn why_it_exited(status: &str, last: &str) -> String {
    let module = last.split("No module named '").nth(1);
    match module.and_then(|m| m.split('\'').next()) {
        Some(m) => {
            format!("needs the Python module {m}: `python3 -m pip install {m}`")
        }
        None => format!("the server exited ({status}) {last}")
            .trim_end()
            .into(),
    }
}

/// The load: blasters, connections and messages of each.
struct Load {
    blasters: u32,
    connections: u32,
    messages: u64,
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages = thousands(self.messages);
        write!(f, "{} x {} x {messages}", self.blasters, self.connections)
    }
}

// ANCHOR: race
/// One server's turn: start it, run `runblaster` against it, read its
/// peak memory, stop it (when `server` is dropped, whatever happened).
fn race(contestant: &mut Contestant, runblaster: &Path, load: &Load) -> Row {
    let mut row = Row {
        name: contestant.name.clone(),
        python: contestant.python,
        load: load.to_string(),
        figures: None,
        peak_kib: None,
        note: String::new(),
    };
    let (mut server, addr) = match Server::start(&mut contestant.command) {
        Ok(started) => started,
        Err(note) => return Row { note, ..row },
    };
    let output = Command::new(runblaster)
        .args(["--blasters", &load.blasters.to_string(), "--server", &addr])
        .args(["--connections", &load.connections.to_string()])
        .args(["--messages", &load.messages.to_string()])
        .stdin(Stdio::null())
        .output();
    row.peak_kib = server.peak_kib();
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            let note = format!("cannot run {}: {e}", runblaster.display());
            return Row { note, ..row };
        }
    };
    // runblaster's last line: the seconds the blasters took.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let seconds = stdout.lines().last().and_then(|l| l.parse::<f64>().ok());
    if let (true, Some(s)) = (output.status.success(), seconds) {
        let messages = load.blasters as f64 * load.messages as f64;
        row.figures = Some((s, messages / s));
    } else if let Some(died) = server.exited() {
        row.note = died;
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr.trim().trim_start_matches("Error: ");
        row.note = why.replace('\n', " ");
    }
    row
}
// ANCHOR_END: race

/// `12345678` as `12,345,678`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The table, as Markdown.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| server               | load              | seconds | messages/s \
         | peak memory | note |\n\
         |----------------------|-------------------|--------:|-----------:\
         |------------:|------|\n",
    );
    for row in rows {
        let (seconds, rate) = match row.figures {
            Some((s, r)) => (format!("{s:.2}"), thousands(r.round() as u64)),
            None => ("n/a".into(), "n/a".into()),
        };
        let peak = row
            .peak_kib
            .map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        out += &format!(
            "| {:<20} | {:<17} | {seconds:>7} | {rate:>10} | {peak:>11} | {} |\n",
            row.name, row.load, row.note
        );
    }
    out
}

/// Escapes text for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar chart of messages per second, one bar per row.
fn svg(rows: &[Row], caption: &str) -> String {
    let height = 80 + rows.len() * 34;
    let best = rows.iter().filter_map(|r| r.figures).map(|f| f.1);
    let best = best.fold(1.0, f64::max);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"780\" \
         height=\"{height}\" font-family=\"sans-serif\" font-size=\"14\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"24\" font-size=\"17\" font-weight=\"bold\">Echo \
         servers: messages per second (longer is better)</text>\n\
         <text x=\"10\" y=\"46\" font-size=\"12\" fill=\"#555\">{}</text>\n",
        escape(caption)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = 64 + i * 34;
        let rate = row.figures.map_or(0.0, |f| f.1);
        let length = (rate / best * 440.0).max(1.0);
        let colour = if row.python { "#e15759" } else { "#4e79a7" };
        let value = match row.figures {
            Some(_) => thousands(rate.round() as u64),
            // A Python original that cannot run says what it needs.
            None if row.note.starts_with("needs") => {
                let needs = row.note.split(':').next().unwrap_or_default();
                format!("not run: {needs}")
            }
            None => "failed".into(),
        };
        out += &format!(
            "<text x=\"182\" y=\"{}\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"190\" y=\"{y}\" width=\"{length:.1}\" height=\"24\" \
             fill=\"{colour}\"/>\n<text x=\"{:.1}\" y=\"{}\">{value}</text>\n",
            y + 17,
            escape(&row.name),
            196.0 + length,
            y + 17,
        );
    }
    out + "</svg>\n"
}

/// This machine in a few words: cores and processor.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info.lines().find(|l| l.starts_with("model name"));
    match model.and_then(|l| l.split_once(':')) {
        Some((_, model)) => format!("{cores} cores, {}", model.trim()),
        None => format!("{cores} cores"),
    }
}

/// The workspace's folder (this crate's parent).
fn workspace() -> &'static Path {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir)
}

/// Builds the binaries in release mode next to this program's target
/// folder, and returns the folder that holds them.
fn build(bins: &[&str]) -> Result<PathBuf, Fail> {
    let root = workspace();
    let exe = std::env::current_exe()?;
    let target = exe.parent().and_then(Path::parent);
    let target = target.map_or(root.join("target"), Path::to_path_buf);
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--release", "--manifest-path"]);
    command
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    for bin in bins {
        command.args(["--bin", bin]);
    }
    println!("Building: {}", bins.join(", "));
    if !command.status()?.success() {
        return Err(Fail::new("the build failed (see above)"));
    }
    Ok(target.join("release"))
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let known = SERVERS.iter().map(|s| s.0).chain(PYTHON_SERVERS.to_vec());
    let known: Vec<&str> = known.collect();
    if let Some(bad) = args.only.iter().find(|n| !known.contains(&n.as_str())) {
        let known = known.join(", ");
        let why = format!("no server named {bad:?}; the servers are: {known}");
        return Err(Fail::new(why));
    }
    let wanted =
        |name: &str| args.only.is_empty() || args.only.contains(&name.into());
    if let Some(dir) = args.python_dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(Fail::new(format!("no folder {}", dir.display())));
    }
    let python = args.only.iter().find(|n| n.ends_with(".py"));
    if let (Some(script), None) = (python, &args.python_dir) {
        let why = format!("{script} runs with --python-dir DIR (its folder)");
        return Err(Fail::new(why));
    }

    if cfg!(debug_assertions) {
        println!(
            "A debug build of echocontest: for release figures, run \
             `cargo run --release --bin echocontest`."
        );
    }

    let servers: Vec<_> = SERVERS.iter().filter(|s| wanted(s.0)).collect();
    let bin_dir = match args.bin_dir.clone() {
        Some(dir) => dir,
        None => {
            let mut bins = vec!["runblaster"];
            for server in &servers {
                if !bins.contains(&server.1) {
                    bins.push(server.1);
                }
            }
            build(&bins)?
        }
    };
    let mut contestants = Vec::new();
    for (name, bin, options) in servers {
        let mut command = Command::new(bin_dir.join(bin));
        command.args(*options).args(["--port", "0"]);
        let name = name.to_string();
        contestants.push(Contestant {
            name,
            python: false,
            command,
        });
    }
    for script in PYTHON_SERVERS.iter().filter(|s| wanted(s)) {
        if let Some(dir) = &args.python_dir {
            let mut command = Command::new("python3");
            command
                .args(["-c", PYTHON_WRAPPER, script])
                .current_dir(dir);
            let name = script.to_string();
            contestants.push(Contestant {
                name,
                python: true,
                command,
            });
        }
    }

    let full = if args.full { 100_000 } else { 50_000 };
    let messages = args.messages.unwrap_or(full);
    let load = Load {
        blasters: args.blasters,
        connections: args.connections,
        messages,
    };
    let python_load = Load {
        messages: (messages / 10).max(1),
        ..load
    };
    let mut caption =
        format!("blasters x connections x messages: {load}; {}", machine());
    println!("Load: {caption}");
    if args.python_dir.is_some() {
        caption += &format!("; in red, Python, under {python_load}");
        println!("The Python originals run {python_load}.");
    }
    let runblaster = bin_dir.join("runblaster");
    // Round after round, every server once per round, so that a change
    // in the machine's load falls on all of them alike.
    let mut runs: Vec<Vec<Row>> = contestants.iter().map(|_| vec![]).collect();
    for round in 1..=args.repeat {
        for (contestant, runs) in contestants.iter_mut().zip(&mut runs) {
            if runs.iter().any(|r| r.figures.is_none()) {
                continue; // a server that failed once is out
            }
            print!("Round {round}: {} ... ", contestant.name);
            std::io::stdout().flush()?;
            let load = if contestant.python {
                &python_load
            } else {
                &load
            };
            let row = race(contestant, &runblaster, load);
            match row.figures {
                Some((_, r)) => {
                    println!("{} messages/s", thousands(r.round() as u64))
                }
                None => println!("failed"),
            }
            runs.push(row);
        }
    }
    // Each server's median run, or its failed one.
    let mut rows = Vec::new();
    for mut runs in runs {
        runs.sort_by(|a, b| rate(a).total_cmp(&rate(b)));
        let pick = if rate(&runs[0]) > 0.0 {
            runs.len() / 2
        } else {
            0
        };
        rows.push(runs.swap_remove(pick));
    }
    println!();
    print!("{}", table(&rows));

    let chart = args
        .svg
        .unwrap_or_else(|| workspace().join("slides/src/part9/contest.svg"));
    std::fs::write(&chart, svg(&rows, &caption))
        .map_err(|e| format!("cannot write {}: {e}", chart.display()))?;
    println!("\nChart written to {}", chart.display());
    let failed = rows.iter().filter(|r| !r.python && r.figures.is_none());
    match failed.count() {
        0 => Ok(()),
        n => Err(Fail::new(format!("{n} servers failed (see the table)"))),
    }
}

/// A row's messages per second (0 for a failed run).
fn rate(row: &Row) -> f64 {
    row.figures.map_or(0.0, |f| f.1)
}
