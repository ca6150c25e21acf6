//! # c10k: ten thousand connections at once (a tool, not a lesson)
//!
//! The course promises "thousands of concurrent tasks"; in 1999 Dan Kegel
//! named the challenge of his time the C10K problem: ten thousand clients
//! on one server at once. This puts it to `echostackful`: it starts the
//! server (the binary beside this one, or `--server`), connects
//! `--connections` clients (10,000) one after the other, each echoing a
//! message to be sure it is served, then has every one of them echo a
//! 64-byte message at once, checking every byte. Meanwhile it
//! reads the server's memory, memory maps and open files from `/proc`,
//! before and with the connections, and reports the memory each
//! connection costs.
//!
//! Run it: `cargo build --release --bin echostackful`, then
//! `cargo run --release --bin c10k`. Each side needs an open file per
//! connection: both raise their limit (`ulimit -n`) to the hard limit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::Fail;
use rustix::process::{Resource, getrlimit, setrlimit};

/// Ten thousand connections at once to the stackful echo server, every
/// echo checked, and the server's memory per connection.
#[derive(Parser)]
#[command(name = "c10k")]
struct Args {
    /// Connections to hold open at once
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    connections: u64,
    /// The server to load [default: echostackful, beside this program]
    #[arg(long)]
    server: Option<PathBuf>,
}

/// The server's child process, killed and reaped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = (self.0.kill(), self.0.wait());
    }
}

/// What `/proc` says of a process: resident memory (KiB), memory maps,
/// open files.
fn usage(pid: u32) -> Result<[f64; 3], Fail> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss = status.lines().find_map(|line| line.strip_prefix("VmRSS:"));
    let rss = rss.and_then(|k| k.trim_end_matches("kB").trim().parse().ok());
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    let files = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    let rss = rss.ok_or("no VmRSS in /proc/PID/status")?;
    Ok([rss, maps.lines().count() as f64, files as f64])
}

/// Sends 64 bytes on each of `clients`, its own in each `round`, then
/// reads every echo back and checks it.
fn echo(clients: &mut [TcpStream], round: usize) -> Result<(), Fail> {
    let message =
        |i: usize| (0..64).map(move |j| (i * 31 + round * 7 + j) as u8);
    for (i, stream) in clients.iter_mut().enumerate() {
        stream.write_all(&message(i).collect::<Vec<_>>())?;
    }
    for (i, stream) in clients.iter_mut().enumerate() {
        let mut back = [0; 64];
        stream.read_exact(&mut back)?;
        if !back.into_iter().eq(message(i)) {
            return Err(Fail::new("the echo is not what was sent"));
        }
    }
    Ok(())
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!(
            "A debug build of c10k: for release figures, run `cargo run --release --bin c10k`."
        );
    }
    let n = args.connections;
    let mut nofile = getrlimit(Resource::Nofile);
    nofile.current = nofile.maximum;
    let _ = setrlimit(Resource::Nofile, nofile);
    if let Some(limit) = nofile.maximum.filter(|&limit| n + 10 > limit) {
        return Err(Fail::new(format!(
            "{n} connections need as many open files, and ten more; this \
             process may open {limit} (ulimit -n)"
        )));
    }
    let exe = std::env::current_exe()?;
    let path = args.server.unwrap_or(exe.with_file_name("echostackful"));
    let build = "build it first: cargo build --release --bin echostackful";
    let cannot = |e| format!("cannot start {}: {e} ({build})", path.display());
    let mut server = Command::new(&path);
    let server = server.args(["--port", "0"]).stdout(Stdio::null());
    let server = server.stderr(Stdio::piped()).spawn();
    let mut server = Server(server.map_err(cannot)?);
    let pid = server.0.id();
    // Kept open to the end: a server whose stderr is closed dies of
    // SIGPIPE at its next line (its room for clients, say).
    let mut stderr = BufReader::new(server.0.stderr.take().expect("piped"));
    let mut line = String::new();
    stderr.read_line(&mut line)?;
    let Some((_, addr)) = line.trim().rsplit_once("listening on ") else {
        return Err(Fail::new(format!("the server said {line:?}")));
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    println!("server: {name} (pid {pid})");
    let before = usage(pid)?;

    // One after the other: each connection echoes a message, so that it
    // is known to have been accepted, and has its task.
    let start = Instant::now();
    let mut clients = Vec::new();
    for i in 0..n as usize {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        clients.push(stream);
        echo(&mut clients[i..], 0)?;
    }
    let connected = start.elapsed().as_secs_f64();
    println!("connected: {n} connections in {connected:.2} s");

    // All at once: every connection sends, then every one reads back.
    let start = Instant::now();
    echo(&mut clients, 1)?;
    let echoed = start.elapsed().as_secs_f64();
    println!(
        "echoed: 64 bytes on each of {n} connections at once, every byte \
         checked, in {echoed:.2} s"
    );
    let with = usage(pid)?;
    let [mib, mib_with] = [before[0], with[0]].map(|kib| kib / 1024.0);
    let kib = (with[0] - before[0]) / n as f64;
    println!(
        "memory: {mib:.1} MiB resident before, {mib_with:.1} MiB with {n} \
         connections: {kib:.1} KiB per connection"
    );
    for (what, i) in [("memory maps", 1), ("open files", 2)] {
        let (before, with) = (before[i], with[i]);
        println!("{what}: {before} before, {with} with {n} connections");
    }
    Ok(())
}
