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
//! half the course's (`-n 100000` is all of it). With `--python-dir DIR`
//! (a folder holding the Python originals) their servers join, under a
//! tenth of the load. A server that falls 10 s behind fails its row.
//!
//! Run it with `cargo run --release --bin echocontest` (a few seconds per
//! server, after the build); `--only NAME` runs the named rows only.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;

/// Races the workbook's echo servers under the same load.
#[derive(Parser)]
#[command(name = "echocontest", about = "Races the echo servers")]
struct Args {
    /// Blaster processes per server
    #[arg(short, long, default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    blasters: u64,
    /// Connections per blaster
    #[arg(short, long, default_value_t = 300)]
    connections: u64,
    /// Messages per blaster (the course's: 100000)
    #[arg(short = 'n', long, default_value_t = 50_000)]
    messages: u64,
    /// Runs per server; the table shows the median run
    #[arg(long, default_value_t = 1)]
    repeat: u32,
    /// Run only the rows with this name (repeatable)
    #[arg(long, value_name = "NAME", value_parser = SERVERS.map(|s| s.0))]
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
/// Every echo server: name in the table, program, and arguments. Each is
/// started with `--port 0` besides, and must say `NAME: listening on
/// ADDRESS` on stderr once it listens. The Python originals (`.py`) join
/// with `--python-dir`, run in that folder by `PY`.
#[rustfmt::skip]
const SERVERS: [(&str, &str, &[&str]); 13] = [
    ("echogood2",            "echogood2",    &[]),
    ("echoserver",           "echoserver",   &[]),
    ("echoserver2",          "echoserver2",  &[]),
    ("echostackful",         "echostackful", &[]),
    ("twistedecho",          "twistedecho",  &[]),
    ("echothread",           "echothread",   &[]),
    ("tokio current-thread", "echotokio",    &["--flavor", "current-thread"]),
    ("tokio multi-thread",   "echotokio",    &["--flavor", "multi-thread"]),
    ("echothread.py",        "python3",      &["-c", PY, "echothread.py"]),
    ("echogood2.py",         "python3",      &["-c", PY, "echogood2.py"]),
    ("echoserver.py",        "python3",      &["-c", PY, "echoserver.py"]),
    ("echoserver2.py",       "python3",      &["-c", PY, "echoserver2.py"]),
    ("twistedecho.py",       "python3",      &["-c", PY, "twistedecho.py"]),
];
// ANCHOR_END: servers

/// Runs a Python original unchanged, except that its socket on port 45000
/// binds a free port of 127.0.0.1 instead and says where once it listens.
const PY: &str = "import socket, sys
S, script = socket.socket, sys.argv[1]
bind, listen = S.bind, S.listen
S.bind = lambda s, a: bind(s, ('127.0.0.1', 0) if a[1:] == (45000,) else a)
def announce(s, *backlog):
    listen(s, *backlog)
    port = s.getsockname()[1]
    print(f'{script}: listening on 127.0.0.1:{port}', file=sys.stderr)
S.listen = announce
exec(compile(open(script).read(), script, 'exec'), {'__name__': '__main__'})";

/// A server process and the file its stderr goes to, both gone (the
/// process killed and reaped) when dropped, however the race went.
struct Server(Child, PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = (self.0.kill(), self.0.wait(), std::fs::remove_file(&self.1));
    }
}

impl Server {
    /// Starts `command` and waits for its `NAME: listening on ADDRESS`
    /// line (10 s at most); returns the address.
    fn start(command: &mut Command) -> Result<(Server, String), String> {
        let program = command.get_program().to_string_lossy().into_owned();
        let pid = std::process::id();
        let said = std::env::temp_dir().join(format!("echocontest-{pid}"));
        let stderr = std::fs::File::create(&said).map_err(|e| e.to_string())?;
        let child = command.stdin(Stdio::null()).stderr(stderr);
        let child = child.stdout(Stdio::null()).spawn(); // a line per client
        let child = child.map_err(|e| format!("cannot start {program}: {e}"));
        let mut server = Server(child?, said);
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(100));
            let said = std::fs::read_to_string(&server.1).unwrap_or_default();
            if let Some((_, addr)) = said.split_once(": listening on ") {
                let addr = addr.lines().next().unwrap_or_default().into();
                return Ok((server, addr));
            }
            if let Some(why) = server.exited() {
                return Err(why);
            }
        }
        Err("the server did not listen within 10 s".into())
    }

    /// Why the server exited, if it has: a missing Python module and the
    /// command that installs it, or its status and the last line it wrote.
    fn exited(&mut self) -> Option<String> {
        let status = self.0.try_wait().ok()??;
        let said = std::fs::read_to_string(&self.1).unwrap_or_default();
        let last = said.trim().lines().last().unwrap_or_default();
        Some(match last.split("No module named '").nth(1) {
            Some(m) => {
                let m = m.trim_end_matches('\'');
                format!("needs the Python module {m}: `{PIP} {m}`")
            }
            None => format!("the server exited ({status}) {last}")
                .trim_end()
                .into(),
        })
    }
}

const PIP: &str = "python3 -m pip install";

// ANCHOR: race
/// One server's turn: start it, run `runblaster` against it, read its
/// peak memory, stop it (when `server` is dropped, whatever happened).
/// Returns the blasters' seconds (or why there are none) and the peak.
fn race(server: &mut Command, runblaster: &Path, load: [u64; 3]) -> Run {
    let (mut server, addr) = match Server::start(server) {
        Ok(started) => started,
        Err(why) => return (Err(why), None),
    };
    let [b, c, n] = load.map(|n| n.to_string());
    let out = Command::new(runblaster)
        .args(["-b", &b, "-c", &c, "-n", &n, "--server", &addr])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run runblaster: {e}"));
    // The server's peak resident memory, in KiB.
    let status = format!("/proc/{}/status", server.0.id());
    let status = std::fs::read_to_string(status).unwrap_or_default();
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:"));
    let peak =
        peak.and_then(|kb| kb.trim_end_matches("kB").trim().parse().ok());
    // runblaster's last line: the seconds the blasters took.
    let seconds = out.and_then(|out| {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let seconds = stdout.lines().last().and_then(|l| l.parse().ok());
        seconds.filter(|_| out.status.success()).ok_or_else(|| {
            let why = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
            let why = why.trim().trim_start_matches("Error: ").into();
            std::thread::sleep(Duration::from_millis(200)); // if it dies
            server.exited().unwrap_or(why)
        })
    });
    (seconds, peak)
}
// ANCHOR_END: race

/// `12345678` as `12,345,678` (rounded).
fn thousands(n: f64) -> String {
    let digits: Vec<char> = format!("{n:.0}").chars().rev().collect();
    let groups = digits.chunks(3).map(|g| g.iter().rev().collect::<String>());
    groups.rev().collect::<Vec<_>>().join(",")
}

/// A run: the seconds (or why there are none), the peak memory in KiB.
type Run = (Result<f64, String>, Option<f64>);

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    if let Some(dir) = args.python_dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(Fail::new(format!("no folder {}", dir.display())));
    }
    let py = args.only.iter().find(|n| n.ends_with(".py"));
    if let (Some(py), None) = (py, &args.python_dir) {
        let why = format!("{py} runs with --python-dir DIR (its folder)");
        return Err(Fail::new(why));
    }
    if cfg!(debug_assertions) {
        println!(
            "A debug build of echocontest: for release figures, run `cargo run --release --bin echocontest`."
        );
    }
    // The servers to race, and the release build of those of the workbook
    // (in the target folder that holds this program).
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let exe = std::env::current_exe()?;
    let target = exe.parent().and_then(Path::parent).unwrap_or(exe.as_ref());
    let bin_dir = args.bin_dir.clone().unwrap_or(target.join("release"));
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    let mut cargo = Command::new(cargo);
    cargo.args(["build", "--release", "--bin", "runblaster", "--target-dir"]);
    cargo.arg(target).current_dir(root);
    let (b, c, n) = (args.blasters, args.connections, args.messages);
    let loads = [[b, c, n], [b, c, (n / 10).max(1)]]; // Python's a tenth
    let mut servers = Vec::new(); // name, command, load
    for (name, program, options) in SERVERS {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == name) {
            continue;
        }
        let mut command = match &args.python_dir {
            _ if !name.ends_with(".py") => {
                cargo.args(["--bin", program]);
                Command::new(bin_dir.join(program))
            }
            Some(dir) => {
                let mut python = Command::new(program);
                python.current_dir(dir);
                python
            }
            None => continue,
        };
        command.args(options).args(["--port", "0"]);
        let load = loads[usize::from(name.ends_with(".py"))];
        servers.push((name, command, load));
    }
    if args.bin_dir.is_none() && !cargo.status()?.success() {
        return Err(Fail::new("the build failed (see above)"));
    }

    let show =
        |[b, c, n]: [u64; 3]| format!("{b} x {c} x {}", thousands(n as f64));
    // The load and the machine: cores and processor.
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpu.lines().find_map(|l| l.strip_prefix("model name\t: "));
    let cpu = cpu.map_or(String::new(), |model| format!(", {model}"));
    let mut caption = format!(
        "blasters x connections x messages: {}; {cores} cores{cpu}",
        show(loads[0])
    );
    if args.python_dir.is_some() {
        caption += &format!("; in red, Python, under {}", show(loads[1]));
    }
    println!("Load: {caption}");
    let runblaster = bin_dir.join("runblaster");
    let rate = |[b, _, n]: [u64; 3], seconds| (b * n) as f64 / seconds;
    // Round after round, every server once per round, so that a change
    // in the machine's load falls on all of them alike.
    let mut runs: Vec<Vec<Run>> = servers.iter().map(|_| vec![]).collect();
    for round in 1..=args.repeat.max(1) {
        for ((name, command, load), runs) in servers.iter_mut().zip(&mut runs) {
            if runs.last().is_some_and(|run| run.0.is_err()) {
                continue; // a server that failed once is out
            }
            print!("Round {round}: {name} ... ");
            std::io::stdout().flush()?;
            let run = race(command, &runblaster, *load);
            match &run.0 {
                Ok(s) => println!("{} messages/s", thousands(rate(*load, *s))),
                Err(_) => println!("failed"),
            }
            runs.push(run);
        }
    }
    // Each server's median run, or its failed one: a row, and a bar.
    println!("\n| server | load | seconds | messages/s | peak memory | note |");
    println!("|---|---|--:|--:|--:|---|");
    let seconds = |run: &Run| run.0.clone().unwrap_or(0.0);
    let mut bars = Vec::new(); // name, messages per second, label
    for ((name, _, load), mut runs) in servers.iter().zip(runs) {
        runs.sort_by(|x, y| seconds(x).total_cmp(&seconds(y)));
        let median = if runs[0].0.is_ok() { runs.len() / 2 } else { 0 };
        let (result, peak) = runs.swap_remove(median);
        let peak =
            peak.map_or("n/a".into(), |k| format!("{:.1} MiB", k / 1024.0));
        let rate = result.as_ref().map_or(0.0, |s| rate(*load, *s));
        let (cells, label) = match result {
            Ok(s) => {
                let label = thousands(rate);
                (format!("{s:.2} | {label} | {peak} | "), label)
            }
            // A Python original that cannot run says what it needs.
            Err(why) => {
                let needs =
                    why.split(':').next().filter(|w| w.starts_with("needs"));
                let label =
                    needs.map_or("failed".into(), |n| format!("not run: {n}"));
                (format!("n/a | n/a | {peak} | {why}"), label)
            }
        };
        println!("| {name} | {} | {cells} |", show(*load));
        bars.push((name, rate, label));
    }

    let best = bars.iter().map(|bar| bar.1).fold(1.0, f64::max);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="780" height="{}" font-family="sans-serif" font-size="14">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="24" font-size="17" font-weight="bold">Echo servers: messages per second (longer is better)</text>
<text x="10" y="46" font-size="12" fill="#555">{caption}</text>
"##,
        80 + bars.len() * 34,
    );
    for (i, (name, rate, label)) in bars.iter().enumerate() {
        let (y, length) = (64 + i * 34, (rate / best * 440.0).max(1.0));
        let (text_y, text_x) = (y + 17, 196.0 + length);
        let colour = ["#4e79a7", "#e15759"][usize::from(name.ends_with(".py"))];
        svg += &format!(
            r#"<text x="182" y="{text_y}" text-anchor="end">{name}</text>
<rect x="190" y="{y}" width="{length:.1}" height="24" fill="{colour}"/>
<text x="{text_x:.1}" y="{text_y}">{label}</text>
"#
        );
    }
    let chart = args
        .svg
        .unwrap_or(root.join("slides/src/part9/contest.svg"));
    std::fs::write(&chart, svg + "</svg>\n")
        .map_err(|e| format!("cannot write {}: {e}", chart.display()))?;
    println!("\nChart written to {}", chart.display());
    let failed = bars.iter().filter(|b| !b.0.ends_with(".py") && b.1 == 0.0);
    match failed.count() {
        0 => Ok(()),
        n => Err(Fail::new(format!("{n} servers failed (see the table)"))),
    }
}
