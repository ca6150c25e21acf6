//! # C10K: ten thousand connections at once, for `c10k`
//!
//! The course promises "thousands of concurrent tasks". The C10K problem
//! (Dan Kegel, 1999) asks a server to hold ten thousand connections at
//! once. [`run`] checks that `echostackful`'s server does: it starts the
//! server in a child process (a process's open files are limited, and
//! each connection costs one at each end), opens the connections a wave
//! at a time, has every one of them echo a message at once, checks every
//! byte, and reads the server's memory from `/proc` while all of them are
//! open.
//!
//! [`ceiling`] finds where the tasks themselves stop: it starts idle
//! tasks until the process cannot map another stack.

use crate::echostackful;
use crate::stackful::{Scheduler, Sys};
use crate::stacks::Stacks;
use part7_os::net::{self, EchoRound, Interest, IoPoller, Listener, Stop};
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A non-blocking connect's "the connection is being made".
const EINPROGRESS: i32 = rustix::io::Errno::INPROGRESS.raw_os_error();

/// What to run: how many connections, and the server's settings.
#[derive(Debug, Clone)]
pub struct Load {
    /// Connections to hold at once.
    pub connections: usize,
    /// Bytes each connection sends and gets back, per round.
    pub size: usize,
    /// Connections being made at any moment (a wave).
    pub wave: usize,
    /// The server's stack size per task.
    pub stack_size: usize,
    /// Whether the server carves its stacks out of one mapping (a
    /// slab, Linux 6.13 and later).
    pub slab: bool,
    /// The server's listen backlog.
    pub backlog: i32,
    /// When to give up.
    pub timeout: Duration,
}

/// A process's memory and descriptors, as `/proc` tells them.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// Resident memory (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// Address space (`VmSize`), in KiB.
    pub size_kib: u64,
    /// Memory maps (lines of `/proc/PID/maps`).
    pub maps: usize,
    /// Open files (entries of `/proc/PID/fd`).
    pub files: usize,
}

impl Usage {
    /// Reads process `pid`'s usage from `/proc`.
    pub fn of(pid: u32) -> io::Result<Usage> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> io::Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .ok_or_else(|| {
                    io::Error::other(format!("no {name} in /proc/{pid}/status"))
                })
        };
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
        let files = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
        Ok(Usage {
            rss_kib: field("VmRSS:")?,
            size_kib: field("VmSize:")?,
            maps: maps.lines().count(),
            files,
        })
    }
}

/// What [`run`] measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// The load.
    pub load: Load,
    /// The server's process id.
    pub pid: u32,
    /// Seconds to open every connection.
    pub connect_secs: f64,
    /// Seconds for the first round of echoes, all connections at once.
    pub echo_secs: f64,
    /// The server before the connections.
    pub before: Usage,
    /// The server with every connection open.
    pub during: Usage,
}

impl Report {
    /// The server's resident memory per connection, in KiB.
    pub fn rss_per_connection_kib(&self) -> f64 {
        let grown = self.during.rss_kib.saturating_sub(self.before.rss_kib);
        grown as f64 / self.load.connections as f64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.load.connections;
        let mib = |kib: u64| kib as f64 / 1024.0;
        let slab = if self.load.slab {
            ", carved out of one mapping"
        } else {
            ""
        };
        writeln!(
            f,
            "server: echostackful (pid {}), tasks on stacks of {} KiB{slab}",
            self.pid,
            self.load.stack_size / 1024
        )?;
        writeln!(
            f,
            "connected: {n} connections in {:.2} s",
            self.connect_secs
        )?;
        writeln!(
            f,
            "echoed: {} bytes on each of {n} connections at once, every \
             byte checked, in {:.2} s",
            self.load.size, self.echo_secs
        )?;
        writeln!(
            f,
            "memory: {:.1} MiB resident before, {:.1} MiB with {n} \
             connections: {:.1} KiB per connection",
            mib(self.before.rss_kib),
            mib(self.during.rss_kib),
            self.rss_per_connection_kib()
        )?;
        writeln!(
            f,
            "address space: {:.1} MiB before, {:.1} MiB with {n} connections",
            mib(self.before.size_kib),
            mib(self.during.size_kib)
        )?;
        writeln!(
            f,
            "memory maps: {} before, {} with {n} connections",
            self.before.maps, self.during.maps
        )?;
        writeln!(
            f,
            "open files: {} before, {} with {n} connections",
            self.before.files, self.during.files
        )?;
        Ok(())
    }
}

/// The server, a child process; killed and waited for on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `program server-mode-args`, and reads the address it
    /// listens on from its stderr (`NAME: listening on ADDRESS`).
    fn start(mut command: Command) -> io::Result<Server> {
        let mut child = command
            // The server ends when its stdin closes: when we end, however
            // we end (see `serve`).
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let addr = line
            .trim()
            .rsplit_once("listening on ")
            .and_then(|(_, addr)| addr.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "the server did not start: {}",
                line.trim()
            )));
        };
        // Pass the rest of its stderr through.
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                eprintln!("{line}");
            }
        });
        Ok(Server { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the load against `echostackful`'s server, started as
/// `server_command` (which must run [`serve`]), and reports.
pub fn run(load: &Load, server_command: Command) -> io::Result<Report> {
    let deadline = Instant::now() + load.timeout;
    let limit = net::raise_fd_limit()?;
    // Each process needs a file per connection, and ten for itself.
    if let Some(limit) = limit
        && load.connections as u64 + 10 > limit
    {
        return Err(io::Error::other(format!(
            "{} connections need as many open files, and ten more; this \
             process may open {limit} (ulimit -n)",
            load.connections
        )));
    }
    let server = Server::start(server_command)?;
    let pid = server.child.id();

    // One connection first, so that the server has made what it makes
    // once (its poller, a first stack) before its memory is measured.
    let mut first = connect(server.addr, 1, 1, deadline)?;
    echo_round(&mut first, 16, 0, deadline)?;
    close_and_wait(first, deadline)?;
    let before = Usage::of(pid)?;

    let start = Instant::now();
    let mut conns =
        connect(server.addr, load.connections, load.wave, deadline)?;
    let connect_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    echo_round(&mut conns, load.size, 1, deadline)?;
    let echo_secs = start.elapsed().as_secs_f64();
    let during = Usage::of(pid)?;
    // A second round: every connection is still there, and still echoes.
    echo_round(&mut conns, load.size, 2, deadline)?;
    close_and_wait(conns, deadline)?;
    Ok(Report {
        load: load.clone(),
        pid,
        connect_secs,
        echo_secs,
        before,
        during,
    })
}

/// One client connection and its message in flight.
struct Conn {
    stream: Rc<TcpStream>,
    message: Vec<u8>,
    round: EchoRound,
}

/// Opens `n` connections to `addr`, at most `wave` of them on the way at
/// any moment: a connection is on its way until the server has echoed
/// its first byte, so it is known to be accepted. (A crowd connecting
/// all at once overflows the server's listen backlog: the kernel drops
/// the connections it cannot queue, and they retry a second later.)
fn connect(
    addr: SocketAddr,
    n: usize,
    wave: usize,
    deadline: Instant,
) -> io::Result<Vec<Conn>> {
    use socket2::{Domain, Socket, Type};
    /// A connection on its way: connecting, then greeting.
    enum OnTheWay {
        Connecting(Rc<TcpStream>),
        Greeting(Rc<TcpStream>),
    }
    const GREETING: &[u8] = b"!";
    let mut poller = IoPoller::new();
    let mut on_the_way: HashMap<RawFd, OnTheWay> = HashMap::new();
    let mut made = Vec::with_capacity(n);
    let mut started = 0;
    while made.len() < n {
        while started < n && on_the_way.len() < wave.max(1) {
            let socket =
                Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            match socket.connect(&addr.into()) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
                Err(e) => return Err(e),
            }
            let stream = Rc::new(TcpStream::from(socket));
            let fd = poller.add(stream.clone(), Interest::Write)?;
            on_the_way.insert(fd, OnTheWay::Connecting(stream));
            started += 1;
        }
        let ready = poller.wait(Some(left(deadline, "connecting")?))?;
        for fd in ready.write.into_iter().chain(ready.read) {
            let failed = |e: io::Error| {
                io::Error::new(e.kind(), format!("a connection: {e}"))
            };
            match on_the_way.remove(&fd) {
                Some(OnTheWay::Connecting(stream)) => {
                    if let Some(e) = stream.take_error()? {
                        return Err(failed(e));
                    }
                    stream.set_nodelay(true)?;
                    if net::send(&stream, GREETING)? != Some(1) {
                        return Err(failed(io::ErrorKind::WouldBlock.into()));
                    }
                    poller.add(stream.clone(), Interest::Read)?;
                    on_the_way.insert(fd, OnTheWay::Greeting(stream));
                }
                Some(OnTheWay::Greeting(stream)) => {
                    let mut back = [0; 1];
                    match net::recv(&stream, &mut back).map_err(failed)? {
                        Some(1) if back == GREETING => made.push(stream),
                        Some(1) => {
                            return Err(failed(
                                io::ErrorKind::InvalidData.into(),
                            ));
                        }
                        Some(_) => {
                            return Err(failed(
                                io::ErrorKind::UnexpectedEof.into(),
                            ));
                        }
                        None => {
                            poller.add(stream.clone(), Interest::Read)?;
                            on_the_way.insert(fd, OnTheWay::Greeting(stream));
                        }
                    }
                }
                None => {}
            }
        }
    }
    drop(poller); // it lets go of the sockets
    Ok(made
        .into_iter()
        .map(|stream| Conn {
            stream,
            message: Vec::new(),
            round: EchoRound::new(),
        })
        .collect())
}

fn left(deadline: Instant, doing: &str) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("gave up: out of time while {doing}"),
        ));
    }
    Ok(left)
}

/// A message unique to connection `id` and `round`, so that bytes echoed
/// to the wrong connection are caught.
fn message(id: usize, round: u64, size: usize) -> Vec<u8> {
    let seed = (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ round;
    (0..size as u64)
        .map(|i| (seed.wrapping_add(i).wrapping_mul(0x2545_f491) >> 24) as u8)
        .collect()
}

/// Every connection sends a message of `size` bytes at once; returns when
/// every one has come back whole.
fn echo_round(
    conns: &mut [Conn],
    size: usize,
    round: u64,
    deadline: Instant,
) -> io::Result<()> {
    let mut by_fd = HashMap::new();
    let mut poller = IoPoller::new();
    let mut work = Vec::with_capacity(conns.len());
    for (id, conn) in conns.iter_mut().enumerate() {
        conn.message = message(id, round, size);
        conn.round = EchoRound::new();
        by_fd.insert(conn.stream.as_raw_fd(), id);
        work.push(id);
    }
    let mut scratch = vec![0; size];
    let mut done = 0;
    loop {
        for id in work.drain(..) {
            let conn = &mut conns[id];
            let next = conn
                .round
                .step(&conn.stream, &conn.message, &mut scratch)
                .map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("connection {}: {e}", id + 1),
                    )
                })?;
            match next {
                Some(interest) => {
                    poller.add(conns[id].stream.clone(), interest)?;
                }
                None => done += 1,
            }
        }
        if done == conns.len() {
            return Ok(());
        }
        let ready = poller.wait(Some(left(deadline, "echoing")?))?;
        for fd in ready.read.into_iter().chain(ready.write) {
            if let Some(&id) = by_fd.get(&fd) {
                work.push(id);
            }
        }
    }
}

/// Closes the connections, and waits until the server has closed its
/// ends too (each reads as closed), so that its tasks have ended.
fn close_and_wait(conns: Vec<Conn>, deadline: Instant) -> io::Result<()> {
    let mut poller = IoPoller::new();
    let mut open = HashMap::new();
    for conn in conns {
        conn.stream.shutdown(std::net::Shutdown::Write)?;
        let fd = poller.add(conn.stream.clone(), Interest::Read)?;
        open.insert(fd, conn.stream);
    }
    let mut buf = [0; 256];
    while !open.is_empty() {
        let ready = poller.wait(Some(left(deadline, "closing")?))?;
        for fd in ready.read {
            let Some(stream) = open.get(&fd) else {
                continue;
            };
            match net::recv(stream, &mut buf) {
                Ok(Some(0)) => {
                    open.remove(&fd);
                }
                Ok(Some(_)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the server echoed bytes that were not sent",
                    ));
                }
                Ok(None) => {
                    poller.add(stream.clone(), Interest::Read)?;
                }
                Err(e) if net::is_disconnect(&e) => {
                    open.remove(&fd);
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// The server side of [`run`]: `echostackful`'s server, which ends the
/// process when its standard input closes (when the process that started
/// it ends, however it ends).
pub fn serve(sock: Listener, stacks: Stacks) -> io::Result<()> {
    std::thread::spawn(|| {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(0);
    });
    echostackful::run(sock, stacks, Stop::new(), Duration::ZERO)?;
    Ok(())
}

/// What [`ceiling`] found.
#[derive(Debug)]
pub struct Ceiling {
    /// Tasks started.
    pub tasks: usize,
    /// Why the next could not be started (`None`: the maximum was
    /// reached first).
    pub error: Option<io::Error>,
    /// This process's memory and maps with those tasks.
    pub usage: Usage,
}

/// Starts idle tasks, each on a stack from `stacks`, until no more stack
/// can be had, or `max` are started.
pub fn ceiling(stacks: Stacks, max: usize) -> io::Result<Ceiling> {
    let mut sched = Scheduler::new(stacks);
    let mut error = None;
    let mut tasks = 0;
    while tasks < max {
        match sched.spawn(|sys: &Sys| sys.yield_()) {
            Ok(()) => tasks += 1,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let usage = Usage::of(std::process::id())?;
    Ok(Ceiling {
        tasks,
        error,
        usage,
    })
}
