//! # c10k: ten thousand connections at once (a tool, not a lesson)
//!
//! The course promises "thousands of concurrent tasks"; in 1999 Dan Kegel
//! named the challenge of his time the C10K problem: ten thousand clients
//! on one server at once. This puts it to `echostackful`: it starts the
//! server (the binary beside this one, or `--server`), connects
//! `--connections` clients (10,000) one after the other, each echoing a
//! message to be sure it is served, then has every one of them echo a
//! `--size`-byte message (64) at once, checking every byte. Meanwhile it
//! reads the server's memory, memory maps and open files from `/proc`,
//! before and with the connections, and reports the memory each
//! connection costs.
//!
//! Run it: `cargo build --release --bin echostackful`, then
//! `cargo run --release --bin c10k`. Each side needs an open file per
//! connection: both raise their limit (`ulimit -n`) to the hard limit.

use clap::Parser;
use part1_generators::Fail;
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Ten thousand connections at once to the stackful echo server, every
/// echo checked, and the server's memory per connection.
#[derive(Parser)]
#[command(name = "c10k")]
struct Args {
    /// Connections to hold open at once
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    connections: u64,
    /// Bytes each connection sends and gets back
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=65536))]
    size: u64,
    /// The server to load [default: echostackful, beside this program]
    #[arg(long)]
    server: Option<PathBuf>,
}

/// The server's child process, killed and reaped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `/proc` says of a process: resident memory (KiB), memory maps,
/// open files.
fn usage(pid: u32) -> Result<(u64, usize, usize), Fail> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kib| kib.trim().trim_end_matches(" kB").parse().ok())
        .ok_or_else(|| Fail::new("no VmRSS in /proc/PID/status"))?;
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    let files = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    Ok((rss, maps.lines().count(), files))
}

/// Sends `message` and checks that all of it comes back.
fn echo(stream: &mut TcpStream, message: &[u8]) -> Result<(), Fail> {
    stream.write_all(message)?;
    read_echo(stream, message)
}

fn read_echo(stream: &mut TcpStream, message: &[u8]) -> Result<(), Fail> {
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back)?;
    if back != message {
        return Err(Fail::new("the echo is not what was sent"));
    }
    Ok(())
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let n = args.connections;
    let limit = getrlimit(Resource::Nofile).maximum;
    let raised = Rlimit {
        current: limit,
        maximum: limit,
    };
    let _ = setrlimit(Resource::Nofile, raised);
    if let Some(limit) = limit.filter(|&limit| n + 10 > limit) {
        return Err(Fail::new(format!(
            "{n} connections need as many open files, and ten more; this \
             process may open {limit} (ulimit -n)"
        )));
    }
    let path = match args.server {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("echostackful"),
    };
    let child = Command::new(&path)
        .args(["--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Fail::new(format!(
                "cannot start {}: {e} (build it first: cargo build \
                 --release --bin echostackful)",
                path.display()
            ))
        })?;
    let mut server = Server(child);
    let pid = server.0.id();
    let mut line = String::new();
    let stderr = server.0.stderr.take().expect("piped");
    BufReader::new(stderr).read_line(&mut line)?;
    let addr: SocketAddr = line
        .rsplit_once("listening on ")
        .and_then(|(_, addr)| addr.trim().parse().ok())
        .ok_or_else(|| Fail::new(format!("the server said {line:?}")))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    println!("server: {name} (pid {pid})");
    let before = usage(pid)?;

    // One after the other: each connection echoes a message, so that it
    // is known to have been accepted, and has its task.
    let message = |i: u64| -> Vec<u8> {
        (0..args.size).map(|j| (i * 31 + j) as u8).collect()
    };
    let start = Instant::now();
    let mut clients = Vec::new();
    for i in 0..n {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        echo(&mut stream, &message(i))?;
        clients.push(stream);
    }
    let connected = start.elapsed().as_secs_f64();
    println!("connected: {n} connections in {connected:.2} s");

    // All at once: every connection sends, then every one reads back.
    let start = Instant::now();
    for (i, stream) in clients.iter_mut().enumerate() {
        stream.write_all(&message(i as u64 + n))?;
    }
    for (i, stream) in clients.iter_mut().enumerate() {
        read_echo(stream, &message(i as u64 + n))?;
    }
    let echoed = start.elapsed().as_secs_f64();
    println!(
        "echoed: {} bytes on each of {n} connections at once, every byte \
         checked, in {echoed:.2} s",
        args.size
    );

    let with = usage(pid)?;
    let per_connection = (with.0 as f64 - before.0 as f64) / n as f64;
    println!(
        "memory: {:.1} MiB resident before, {:.1} MiB with {n} \
         connections: {per_connection:.1} KiB per connection",
        before.0 as f64 / 1024.0,
        with.0 as f64 / 1024.0,
    );
    println!(
        "memory maps: {} before, {} with {n} connections",
        before.1, with.1
    );
    println!(
        "open files: {} before, {} with {n} connections",
        before.2, with.2
    );
    Ok(())
}
