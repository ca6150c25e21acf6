//! The echo-server contest of slide 192, over every echo server of the
//! workbook: start a server on a free loopback port, wait until it
//! accepts, run the blasters against it, measure the server's CPU time and
//! peak memory, stop it, next. Then a table and a bar chart.
//!
//! The servers are a table, [`SERVERS`]: one row per server.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use crate::blaster::thousands;
use crate::latency;
use crate::runner::{BlasterArgs, Failure, Outcome, run_blasters};

/// In a row's arguments, replaced by the port the server must listen on.
pub const PORT: &str = "{port}";

/// One contestant: a name for the table, the workspace binary that runs
/// it, and its arguments.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    /// The name in the table and the chart.
    pub name: &'static str,
    /// The binary's name (`cargo run --bin <bin>`).
    pub bin: &'static str,
    /// Its arguments; [`PORT`] stands for the port.
    pub args: &'static [&'static str],
}

/// A row of [`SERVERS`].
pub const fn row(
    name: &'static str,
    bin: &'static str,
    args: &'static [&'static str],
) -> Server {
    Server { name, bin, args }
}

// ANCHOR: servers
/// Every echo server of the workbook, in the order they run. To enter a
/// server in the contest, add its row: name, binary, arguments. The
/// binary must listen on 127.0.0.1 at the port given for `{port}`.
#[rustfmt::skip]
pub const SERVERS: &[Server] = &[
    //  name in the table       binary        arguments
    row("echogood2",            "echogood2",  &["--port", PORT]),
    row("echoserver",           "echoserver", &["--port", PORT]),
    row("echoserver2",          "echoserver2", &["--port", PORT]),
    row("echostackful",         "echostackful", &["--port", PORT]),
    row("echostackful --spin 50", "echostackful", &["--spin", "50", "--port", PORT]),
    row("twistedecho",          "twistedecho", &["--port", PORT]),
    row("echothread",           "echothread", &["--port", PORT]),
    row("tokio current-thread", "echotokio",  &["--flavor", "current-thread", "--port", PORT]),
    row("tokio multi-thread",   "echotokio",  &["--flavor", "multi-thread", "--port", PORT]),
];
// ANCHOR_END: servers

/// The Python originals that can join the contest (`--python-dir`).
/// They listen on port 45000 of every interface; [`PYTHON_LOOPBACK`]
/// moves them.
pub const PYTHON_SERVERS: &[&str] = &[
    "echothread.py",
    "echogood2.py",
    "echoserver.py",
    "echoserver2.py",
];

/// Runs a Python original unchanged, except that its `bind` to port
/// 45000 binds 127.0.0.1 and the given port instead. Arguments: the
/// port, the script. Started in the scripts' folder, so that their
/// `from pyos8 import *` finds its module.
pub const PYTHON_LOOPBACK: &str = "\
import socket, sys
port, script = int(sys.argv[1]), sys.argv[2]
original_bind = socket.socket.bind
def loopback_bind(self, address):
    if isinstance(address, tuple) and address[1] == 45000:
        address = ('127.0.0.1', port)
    return original_bind(self, address)
socket.socket.bind = loopback_bind
sys.argv = [script]
with open(script) as f:
    code = compile(f.read(), script, 'exec')
exec(code, {'__name__': '__main__', '__file__': script})
";

/// What the contest runs: a name and how to start it on a port.
pub struct Contestant {
    /// The name in the table and the chart.
    pub name: String,
    /// Whether this is a Python original (drawn in another colour).
    pub python: bool,
    /// The command that starts the server on the given port.
    pub start: Box<dyn Fn(u16) -> Command>,
}

impl Contestant {
    /// The contestant for a row of [`SERVERS`], its binary in `bin_dir`.
    pub fn workspace(server: &Server, bin_dir: &Path) -> Contestant {
        let program = bin_dir.join(server.bin);
        let args = server.args;
        Contestant {
            name: server.name.to_string(),
            python: false,
            start: Box::new(move |port| {
                let mut command = Command::new(&program);
                for arg in args {
                    command.arg(arg.replace(PORT, &port.to_string()));
                }
                command
            }),
        }
    }

    /// The contestant for a Python original `script` in `dir`.
    pub fn python(script: &str, dir: &Path, python: &Path) -> Contestant {
        let (dir, python, script_name) =
            (dir.to_path_buf(), python.to_path_buf(), script.to_string());
        Contestant {
            name: script.to_string(),
            python: true,
            start: Box::new(move |port| {
                let mut command = Command::new(&python);
                command
                    .args(["-c", PYTHON_LOOPBACK, &port.to_string()])
                    .arg(&script_name)
                    .current_dir(&dir);
                command
            }),
        }
    }
}

/// One line of the table.
#[derive(Debug)]
pub struct Row {
    /// The server's name.
    pub name: String,
    /// Whether it is a Python original.
    pub python: bool,
    /// The load, as blasters x connections x messages.
    pub load: String,
    /// What the blasters measured, if the server started.
    pub outcome: Option<Outcome>,
    /// The server's CPU time (user and system) during the load.
    pub cpu: Option<Duration>,
    /// The server's peak resident memory, in KiB.
    pub peak_kib: Option<u64>,
    /// What went wrong, if anything.
    pub note: Option<String>,
}

impl Row {
    /// Whether the row has its figures: the load ran to its end.
    pub fn complete(&self) -> bool {
        self.outcome.as_ref().is_some_and(|o| o.failure.is_none())
    }

    /// Whether the row failed (a time-out is not a failure: it says how
    /// slow the server was).
    pub fn failed(&self) -> bool {
        match &self.outcome {
            None => true,
            Some(o) => matches!(o.failure, Some(Failure::Blaster(_))),
        }
    }
}

/// A free port on 127.0.0.1 (the kernel picks one; it is free again once
/// the probe closes, and the server takes it a moment later).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// A server process: killed and reaped however the contest leaves it.
struct Running {
    child: Child,
    stderr: Receiver<String>,
}

impl Running {
    fn start(mut command: Command) -> std::io::Result<Running> {
        let mut child = command
            .stdin(Stdio::null())
            // The servers print a line per connection; nobody reads them.
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let pipe = child.stderr.take().expect("stderr is piped");
        let (tx, stderr) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Running { child, stderr })
    }

    /// The last line the server wrote to stderr, if any.
    fn last_error(&self) -> Option<String> {
        self.stderr
            .try_iter()
            .filter(|l| !l.trim().is_empty())
            .last()
    }

    /// Waits until the server accepts a connection on `port`.
    fn wait_until_accepting(
        &mut self,
        port: u16,
        within: Duration,
    ) -> Result<(), String> {
        let deadline = Instant::now() + within;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the stderr reader catch up with the last words.
                thread::sleep(Duration::from_millis(100));
                let why = self.last_error().unwrap_or_default();
                return Err(format!("the server exited ({status}) {why}")
                    .trim_end()
                    .to_string());
            }
            let probe = Duration::from_millis(200);
            if TcpStream::connect_timeout(&addr, probe).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the server did not accept on port {port} within {} s",
                    within.as_secs()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How the contest runs each server.
#[derive(Clone, Debug)]
pub struct Plan {
    /// This program, started again as each blaster.
    pub exe: PathBuf,
    /// Blaster processes per server.
    pub blasters: u32,
    /// Each blaster's load (its `server` is set per row).
    pub load: BlasterArgs,
    /// Each blaster's load for the Python rows.
    pub python_load: BlasterArgs,
    /// The longest a row's load may take; then it is stopped.
    pub cap: Duration,
    /// The longest a server may take to start accepting.
    pub startup: Duration,
}

impl Plan {
    /// `3 x 300 x 10,000`: blasters x connections x messages.
    pub fn describe(&self, load: &BlasterArgs) -> String {
        format!(
            "{} x {} x {}",
            self.blasters,
            load.connections,
            thousands(load.messages)
        )
    }
}

/// Runs one contestant: start, wait, blast, measure, stop (always).
pub fn measure(contestant: &Contestant, plan: &Plan) -> Row {
    let load = if contestant.python {
        &plan.python_load
    } else {
        &plan.load
    };
    let mut row = Row {
        name: contestant.name.clone(),
        python: contestant.python,
        load: plan.describe(load),
        outcome: None,
        cpu: None,
        peak_kib: None,
        note: None,
    };
    if let Err(why) = race(contestant, plan, load.clone(), &mut row) {
        row.note = Some(why);
    }
    if let Some(o) = &row.outcome {
        match &o.failure {
            Some(Failure::TimedOut(cap)) => {
                row.note.get_or_insert(format!(
                    "stopped at the {} s cap after {} messages",
                    cap.as_secs(),
                    thousands(o.messages)
                ));
            }
            Some(Failure::Blaster(why)) => {
                row.note.get_or_insert(why.clone());
            }
            None => {}
        }
    }
    row
}

// ANCHOR: race
/// One server's turn, its figures written into `row`.
fn race(
    contestant: &Contestant,
    plan: &Plan,
    mut load: BlasterArgs,
    row: &mut Row,
) -> Result<(), String> {
    let port = free_port().map_err(|e| format!("no free port: {e}"))?;
    let command = (contestant.start)(port);
    let program = command.get_program().to_string_lossy().into_owned();
    let mut server = Running::start(command)
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    server.wait_until_accepting(port, plan.startup)?;
    let pid = server.child.id();
    let cpu_before = cpu_time(pid);

    load.server = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let cap = Some(plan.cap);
    let outcome = run_blasters(&plan.exe, &load, plan.blasters, false, cap)
        .map_err(|e| format!("cannot run the blasters: {e}"))?;

    // The server's figures, read before it stops: then /proc forgets it.
    if let (Some(before), Some(after)) = (cpu_before, cpu_time(pid)) {
        row.cpu = Some(after.saturating_sub(before));
    }
    row.peak_kib = peak_memory(pid);
    if let Ok(Some(status)) = server.child.try_wait() {
        let why = server.last_error().unwrap_or_default();
        row.note = Some(format!("the server stopped ({status}) {why}"));
    }
    row.outcome = Some(outcome);
    Ok(())
} // `server` is dropped here: killed and reaped, whatever happened.
// ANCHOR_END: race

/// The median of several runs of one server, by messages per second;
/// a failed run, if any, instead (a failure is not averaged away).
pub fn median(mut runs: Vec<Row>) -> Row {
    assert!(!runs.is_empty(), "no runs");
    if let Some(i) = runs.iter().position(|r| !r.complete()) {
        return runs.swap_remove(i);
    }
    let rate = |r: &Row| r.outcome.as_ref().map_or(0.0, Outcome::rate);
    runs.sort_by(|a, b| rate(a).total_cmp(&rate(b)));
    runs.swap_remove(runs.len() / 2)
}

/// The CPU time (user plus system) that process `pid` has used so far:
/// fields 14 and 15 of `/proc/PID/stat`, in clock ticks of 1/100 s
/// (`USER_HZ`, which Linux keeps at 100 for every program).
#[cfg(target_os = "linux")]
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, field 2, is in parentheses and may hold spaces:
    // count fields after its closing parenthesis (field 3 onwards).
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(14 - 3)?.parse().ok()?;
    let stime: u64 = fields.get(15 - 3)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Not measured outside Linux.
#[cfg(not(target_os = "linux"))]
pub fn cpu_time(_pid: u32) -> Option<Duration> {
    None
}

/// The peak resident memory of process `pid` in KiB (`VmHWM` in
/// `/proc/PID/status`).
#[cfg(target_os = "linux")]
pub fn peak_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Not measured outside Linux.
#[cfg(not(target_os = "linux"))]
pub fn peak_memory(_pid: u32) -> Option<u64> {
    None
}

/// This machine in a few words: cores, processor, operating system.
pub fn machine() -> String {
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let model =
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, m)| m.trim().to_string())
            });
    match model {
        Some(model) => {
            format!("{cores} cores, {model}, {}", std::env::consts::OS)
        }
        None => format!("{cores} cores, {}", std::env::consts::OS),
    }
}

const HEADERS: [&str; 9] = [
    "server",
    "load",
    "seconds",
    "messages/s",
    "p50",
    "p99",
    "server CPU s",
    "peak memory",
    "note",
];

/// The cells of one row, in the order of the headers.
fn cells(row: &Row) -> [String; 9] {
    let na = || "n/a".to_string();
    let (seconds, rate, p50, p99) = match &row.outcome {
        Some(o) if o.failure.is_none() || o.messages > 0 => (
            format!("{:.2}", o.elapsed.as_secs_f64()),
            thousands(o.rate().round() as u64),
            latency::show(o.latencies.percentile(0.50)),
            latency::show(o.latencies.percentile(0.99)),
        ),
        _ => (na(), na(), na(), na()),
    };
    [
        row.name.clone(),
        row.load.clone(),
        seconds,
        rate,
        p50,
        p99,
        row.cpu
            .map_or_else(na, |c| format!("{:.2}", c.as_secs_f64())),
        row.peak_kib
            .map_or_else(na, |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        row.note.clone().unwrap_or_default(),
    ]
}

/// The table, as Markdown with aligned columns (readable as it is, and
/// ready for a slide).
pub fn table(rows: &[Row]) -> String {
    let body: Vec<[String; 9]> = rows.iter().map(cells).collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for cells in &body {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            // Names and notes read left-aligned, figures right-aligned.
            let pad = w - c.chars().count();
            if i == 0 || i == 1 || i == 8 {
                let _ = write!(out, "| {c}{} ", " ".repeat(pad));
            } else {
                let _ = write!(out, "| {}{c} ", " ".repeat(pad));
            }
        }
        out.push_str("|\n");
    };
    line(&mut out, &HEADERS.map(String::from));
    for (i, w) in widths.iter().enumerate() {
        let dashes = "-".repeat(*w);
        if i == 0 || i == 1 || i == 8 {
            let _ = write!(out, "| {dashes} ");
        } else {
            let _ = write!(out, "| {}: ", &dashes[1..]);
        }
    }
    out.push_str("|\n");
    for cells in &body {
        line(&mut out, cells);
    }
    out
}

/// Escapes text for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

// ANCHOR: svg
/// A horizontal bar chart of messages per second, one bar per row, as an
/// SVG document. `caption` says what ran, where.
pub fn svg(rows: &[Row], caption: &str) -> String {
    let (label_w, bar_w, bar_h, gap, top) = (190.0, 440.0, 24.0, 10.0, 70.0);
    let width = label_w + bar_w + 150.0;
    let height = top + rows.len() as f64 * (bar_h + gap) + 30.0;
    let rate = |r: &Row| r.outcome.as_ref().map_or(0.0, Outcome::rate);
    let best = rows.iter().map(rate).fold(1.0, f64::max);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"14\">"
    );
    let title = "Echo servers: messages per second (longer is better)";
    let _ = writeln!(out, "<title>{title}</title>");
    let _ =
        writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"24\" font-size=\"17\" font-weight=\"bold\">\
         {title}</text>"
    );
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"46\" font-size=\"12\" fill=\"#555\">{}</text>",
        escape(caption)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * (bar_h + gap);
        let text_y = y + bar_h * 0.7;
        let length = (rate(row) / best * bar_w).max(1.0);
        let colour = if row.python { "#e15759" } else { "#4e79a7" };
        let value = match row.outcome.as_ref().map(|o| (o, &o.failure)) {
            Some((o, None)) => thousands(o.rate().round() as u64),
            Some((o, Some(Failure::TimedOut(cap)))) => format!(
                "{} (stopped at the {} s cap)",
                thousands(o.rate().round() as u64),
                cap.as_secs()
            ),
            _ => "failed".to_string(),
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            escape(&row.name)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{label_w}\" y=\"{y}\" width=\"{length:.1}\" \
             height=\"{bar_h}\" fill=\"{colour}\"/>"
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{text_y}\">{}</text>",
            label_w + length + 6.0,
            escape(&value)
        );
    }
    // A legend, when the Python originals ran too.
    if rows.iter().any(|r| r.python) {
        let y = top + rows.len() as f64 * (bar_h + gap) + 4.0;
        for (i, (colour, what)) in
            [("#4e79a7", "Rust"), ("#e15759", "Python original")]
                .iter()
                .enumerate()
        {
            let x = label_w + i as f64 * 120.0;
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" \
                 fill=\"{colour}\"/><text x=\"{}\" y=\"{}\" \
                 font-size=\"12\">{what}</text>",
                x + 16.0,
                y + 11.0
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
// ANCHOR_END: svg

/// Builds `bins` in release mode with cargo, into the target folder that
/// holds this program, and returns the folder of the release binaries.
pub fn build(bins: &[&str]) -> Result<PathBuf, String> {
    let root = workspace_root();
    let target = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(["build", "--release", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    for bin in bins {
        command.args(["--bin", bin]);
    }
    let status = command.status().map_err(|e| {
        format!("cannot run {}: {e}", Path::new(&cargo).display())
    })?;
    if !status.success() {
        return Err(format!("building the servers failed ({status})"));
    }
    Ok(target.join("release"))
}

/// The workspace's root folder (this crate's parent).
pub fn workspace_root() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir).to_path_buf()
}

/// The target folder this program was built into (so the servers are
/// built next to it), or the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let profile = exe.as_deref().and_then(Path::parent);
    match profile {
        Some(dir)
            if dir
                .file_name()
                .is_some_and(|n| n == "debug" || n == "release") =>
        {
            dir.parent().map_or_else(
                || workspace_root().join("target"),
                Path::to_path_buf,
            )
        }
        _ => workspace_root().join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, messages: u64, failure: Option<Failure>) -> Row {
        let mut latencies = crate::latency::Latencies::new();
        latencies.record(Duration::from_micros(40));
        Row {
            name: name.into(),
            python: name.ends_with(".py"),
            load: "3 x 300 x 100".into(),
            outcome: Some(Outcome {
                elapsed: Duration::from_secs(1),
                messages,
                latencies,
                failure,
            }),
            cpu: Some(Duration::from_millis(250)),
            peak_kib: Some(2048),
            note: None,
        }
    }

    #[test]
    fn the_median_run_or_a_failure() {
        let runs =
            vec![row("a", 3, None), row("a", 1, None), row("a", 2, None)];
        assert_eq!(median(runs).outcome.unwrap().messages, 2);
        let failed = Some(Failure::Blaster("no".into()));
        let runs = vec![row("a", 3, None), row("a", 1, failed)];
        assert!(median(runs).failed());
    }

    #[test]
    fn table_lines_line_up() {
        let mut broken = row("x & <y>", 0, None);
        broken.outcome = None;
        broken.note = Some("cannot start x".into());
        let rows = [
            row("echothread", 90_000, None),
            row("b.py", 7, None),
            broken,
        ];
        let text = table(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 + rows.len());
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{text}");
        assert!(lines[2].contains(" 90,000 |"), "{text}");
        assert!(lines[2].contains(" 40 µs |"), "{text}");
        assert!(lines[2].contains(" 0.25 |"), "{text}");
        assert!(lines[2].contains(" 2.0 MiB |"), "{text}");
        assert!(lines[4].contains(" n/a |"), "{text}");
        assert!(lines[4].ends_with("| cannot start x |"), "{text}");

        let chart = svg(&rows, "a < b");
        assert_eq!(chart.matches("<rect").count(), 1 + rows.len() + 2);
        assert!(chart.contains(">x &amp; &lt;y&gt;</text>"));
        assert!(chart.contains(">a &lt; b</text>"));
        assert!(chart.contains(">failed</text>"));
    }
}
