//! What the tests of the workbook's programs share (Parts 7 and 8: Part
//! 8's tests include this file with `#[path]`).
//!
//! - [`Running`]: a program running as a child process, its output read
//!   line by line with deadlines, killed and reaped on drop;
//!   [`run_to_end`] for a program that must end by itself.
//! - The data-integrity test every echo server passes:
//!   [`many_clients_and_rough_ones`] (100 clients at once, each sending
//!   1 MiB of random bytes in random-sized pieces and checking every
//!   byte of the echo, while 20 others reset their connections or vanish
//!   mid-stream), [`a_client_that_stops_reading`] and [`half_close`].
//! - [`out_of_descriptors`]: a server whose open-file limit is lowered
//!   under it turns clients away, and serves again once it has room;
//!   [`at_max_clients`] and [`out_of_stacks`] the same, for a server
//!   started with `--max-clients 3`, and one whose address space is
//!   lowered under it until it cannot map another coroutine stack.
//!
//! Every wait is bounded; every child process is killed and reaped.

// Each test file uses a part of it; `pub` is for the files that include it.
#![allow(dead_code, unreachable_pub)]

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// The line the alive task prints: counted, not passed on (it floods).
pub const ALIVE: &str = "I'm alive!";

/// No single step of a test may take longer than this.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A program running in a child process. Dropping it kills and reaps it.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    alive: Arc<AtomicUsize>,
    stderr: Option<ChildStderr>,
    stderr_lines: Arc<AtomicUsize>,
}

impl Running {
    /// Starts `program` with `args`, its standard output read line by
    /// line on a thread of its own.
    pub fn start(program: &str, args: &[&str]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "1") // the hard case: see `out_of_stacks`
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take();
        let (tx, lines) = mpsc::channel();
        let alive = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&alive);
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line == ALIVE {
                    count.fetch_add(1, Ordering::SeqCst);
                }
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            alive,
            stderr,
            stderr_lines: Arc::default(),
        }
    }

    /// A server started with `--port 0`, and the address it says it
    /// listens on.
    pub fn server(program: &str) -> (Running, SocketAddr) {
        let mut server = Running::start(program, &["--port", "0"]);
        let addr = server.listening_address();
        (server, addr)
    }

    /// Reads the server's `NAME: listening on ADDRESS` line from stderr,
    /// and its `NAME: room for N clients at once`, and returns the
    /// address; the rest of stderr is passed through.
    pub fn listening_address(&mut self) -> SocketAddr {
        let stderr = self.stderr.take().expect("asked once");
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        reader.read_line(&mut line).expect("cannot read stderr");
        let addr = line
            .trim()
            .rsplit_once("listening on ")
            .map(|(_, addr)| addr.to_string())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        // Then how many clients it has room for: read here, so that the
        // lines counted from now on are what it logs.
        let mut room = String::new();
        reader.read_line(&mut room).expect("cannot read stderr");
        assert!(room.contains(": room for "), "{room:?}");
        let count = Arc::clone(&self.stderr_lines);
        thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                count.fetch_add(1, Ordering::SeqCst);
                eprintln!("(server) {line}");
            }
        });
        addr.parse().expect("a socket address")
    }

    /// The next line that is not `I'm alive!`, if one comes in time.
    pub fn next_line(&self, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line == ALIVE => {}
                Ok(line) => return Some(line),
                Err(_) => return None,
            }
        }
    }

    /// The next line starting with `prefix`, skipping others.
    pub fn line_starting(
        &self,
        prefix: &str,
        within: Duration,
    ) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.next_line(left)?;
            if line.starts_with(prefix) {
                return Some(line);
            }
        }
    }

    /// Every line (alive lines too) that arrives within `window`.
    pub fn lines_within(&self, window: Duration) -> Vec<String> {
        let deadline = Instant::now() + window;
        let mut got = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            got.push(line);
        }
        got
    }

    /// How many `I'm alive!` lines have been printed so far.
    pub fn alive_count(&self) -> usize {
        self.alive.load(Ordering::SeqCst)
    }

    /// How many lines the server has written on stderr since its
    /// listening line.
    pub fn stderr_count(&self) -> usize {
        self.stderr_lines.load(Ordering::SeqCst)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The child, for what only it can tell.
    pub fn child(&self) -> &Child {
        &self.child
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `condition` holds, checking every few milliseconds; false
/// if `within` passes first.
pub fn eventually(
    within: Duration,
    mut condition: impl FnMut() -> bool,
) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        thread::sleep(Duration::from_millis(5));
    }
    condition()
}

/// What a finished program printed, and how it ended.
pub struct Finished {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// Its exit code (`None`: killed by a signal).
    pub code: Option<i32>,
}

/// Runs `program` to its end, killing it (and failing the test) if it
/// takes longer than `within`.
pub fn run_to_end(program: &str, args: &[&str], within: Duration) -> Finished {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let read = |mut from: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut s = String::new();
            let _ = from.read_to_string(&mut s);
            s
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let mut status = None;
    let ended = eventually(within, || {
        status = child.try_wait().ok().flatten();
        status.is_some()
    });
    if !ended {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{program} {args:?} still running after {within:?}");
    }
    Finished {
        stdout: out.join().expect("reader"),
        stderr: err.join().expect("reader"),
        code: status.and_then(|s| s.code()),
    }
}

/// A client connection with bounded waits.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, PATIENCE)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    stream.set_write_timeout(Some(PATIENCE)).expect("a timeout");
    stream
}

/// Sends `message` and checks that it comes back.
pub fn echo_once(stream: &mut TcpStream, message: &[u8]) {
    stream.write_all(message).expect("cannot send");
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).expect("cannot read the echo");
    assert_eq!(back, message);
}

/// Clients that send their megabyte and check its echo.
pub const CLIENTS: usize = 100;
/// What each of them sends: 1 MiB.
pub const BYTES: usize = 1 << 20;
/// Clients that leave mid-stream, with a reset or a close.
pub const ROUGH_CLIENTS: usize = 20;

/// Random bytes, and a generator for the sizes of the pieces.
fn random_data(seed: u64) -> (Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = vec![0; BYTES];
    rng.fill_bytes(&mut data);
    (data, rng)
}

/// Sends 1 MiB of random bytes in random-sized pieces from one thread
/// while reading the echo on another, half-closes, then checks every
/// byte and that the server closes after the last.
pub fn honest_client(addr: SocketAddr, seed: u64) {
    let (data, mut rng) = random_data(seed);
    let stream = connect(addr);
    let mut writer = stream.try_clone().expect("a second handle");
    let sent = data.clone();
    let sender = thread::spawn(move || {
        let mut at = 0;
        while at < sent.len() {
            let piece = rng.random_range(1..=16 * 1024).min(sent.len() - at);
            writer
                .write_all(&sent[at..at + piece])
                .expect("cannot send");
            at += piece;
        }
        writer.shutdown(Shutdown::Write).expect("cannot shut down");
    });
    let mut echoed = Vec::with_capacity(BYTES);
    (&stream)
        .read_to_end(&mut echoed)
        .expect("cannot read the echo");
    sender.join().expect("the sender failed");
    assert_eq!(echoed.len(), data.len(), "client {seed}: lost bytes");
    assert!(
        echoed == data,
        "client {seed}: bytes corrupted or reordered"
    );
}

/// Sends part of its data, reads none of the echo, and goes: with a
/// reset (linger 0) or a plain close, which the unread echo turns into a
/// reset.
pub fn rough_client(addr: SocketAddr, seed: u64) {
    let (data, mut rng) = random_data(seed);
    let mut stream = connect(addr);
    let part = rng.random_range(1..=256 * 1024);
    let _ = stream.write_all(&data[..part]); // it may be reset first
    if seed.is_multiple_of(2) {
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .expect("cannot set linger");
    }
}

/// The data-integrity test of every echo server: [`CLIENTS`] honest
/// clients at once (see [`honest_client`]) and [`ROUGH_CLIENTS`] rough
/// ones (see [`rough_client`]); then the server must still serve.
pub fn many_clients_and_rough_ones(addr: SocketAddr) {
    let rough: Vec<_> = (0..ROUGH_CLIENTS as u64)
        .map(|seed| thread::spawn(move || rough_client(addr, 1000 + seed)))
        .collect();
    let honest: Vec<_> = (0..CLIENTS as u64)
        .map(|seed| thread::spawn(move || honest_client(addr, seed)))
        .collect();
    for client in honest {
        client.join().expect("an honest client failed");
    }
    for client in rough {
        client.join().expect("a rough client failed");
    }
    let mut late = connect(addr);
    echo_once(&mut late, b"still there?");
}

/// A client that sends far more than the socket buffers hold and reads
/// nothing stalls only itself: another client is served meanwhile, and
/// once it reads, every byte of its echo comes back.
pub fn a_client_that_stops_reading(addr: SocketAddr) {
    let mut hog = connect(addr);
    hog.set_write_timeout(Some(Duration::from_millis(200)))
        .expect("a timeout");
    let chunk = vec![7u8; 64 * 1024];
    let mut pushed = 0;
    loop {
        match hog.write(&chunk) {
            Ok(n) => pushed += n,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                break;
            }
            Err(e) => panic!("the hog could not write: {e}"),
        }
        assert!(pushed < 1 << 30, "the buffers never filled");
    }
    let mut other = connect(addr);
    echo_once(&mut other, b"hello");
    drop(other);
    hog.shutdown(Shutdown::Write).expect("cannot shut down");
    let mut echoed = 0;
    let mut buf = vec![0; 64 * 1024];
    loop {
        match hog.read(&mut buf).expect("cannot read the echo") {
            0 => break,
            n => {
                assert!(buf[..n].iter().all(|&b| b == 7));
                echoed += n;
            }
        }
    }
    assert_eq!(echoed, pushed);
}

/// Half-close: a client that shuts down its sending side still gets
/// every byte it sent, then the server's close.
pub fn half_close(addr: SocketAddr) {
    let mut client = connect(addr);
    client.write_all(b"last words").expect("cannot send");
    client.shutdown(Shutdown::Write).expect("cannot shut down");
    let mut back = Vec::new();
    client.read_to_end(&mut back).expect("no close");
    assert_eq!(back, b"last words");
}

/// What a client got from a server short of descriptors.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Its echo.
    Served,
    /// Its connection closed or reset: turned away.
    TurnedAway,
    /// Nothing at all: left hanging.
    Hanging,
}

/// Sends two bytes, and says what came of it.
pub fn try_echo(socket: &mut TcpStream) -> Outcome {
    if socket.write_all(b"hi").is_err() {
        return Outcome::TurnedAway;
    }
    let mut back = [0; 2];
    match socket.read_exact(&mut back) {
        Ok(()) if &back == b"hi" => Outcome::Served,
        Ok(()) => panic!("echoed {back:?} for \"hi\""),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut
            ) =>
        {
            Outcome::Hanging
        }
        Err(_) => Outcome::TurnedAway,
    }
}

/// The descriptors open in process `pid`.
fn open_descriptors(pid: u32) -> Vec<u64> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("cannot list the server's descriptors")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// Connects `n` clients at once, and says what came of each: its echo,
/// or its connection closed (turned away), or nothing in 10 s (hanging).
pub fn crowd(addr: SocketAddr, n: usize) -> Vec<Outcome> {
    let mut clients: Vec<TcpStream> = (0..n).map(|_| connect(addr)).collect();
    for client in &clients {
        let patience = Some(Duration::from_secs(10));
        client.set_read_timeout(patience).expect("a timeout");
    }
    clients.iter_mut().map(try_echo).collect()
}

/// The server says why it turns clients away, but at most once a second
/// for each of its `kinds` of refusal: checks the lines it wrote on
/// stderr since it had written `before`, `started` ago.
pub fn assert_quiet(
    server: &Running,
    before: usize,
    started: Instant,
    kinds: u64,
) {
    let logged = (server.stderr_count() - before) as u64;
    let seconds = started.elapsed().as_secs();
    assert!(
        logged <= kinds * (1 + seconds),
        "{logged} lines logged in {seconds} s, for {kinds} kinds of refusal"
    );
}

/// A server started with `--max-clients 3` serves 3 clients of 8 and
/// turns the other 5 away, not left hanging, with a line on stderr at
/// most once a second; once the 3 have gone, a new client is served.
pub fn at_max_clients(program: &str) {
    let mut server =
        Running::start(program, &["--port", "0", "--max-clients", "3"]);
    let addr = server.listening_address();
    let (before, started) = (server.stderr_count(), Instant::now());
    let outcomes = crowd(addr, 8);
    let (served, away) = outcomes.split_at(3);
    assert!(served.iter().all(|o| *o == Outcome::Served), "{outcomes:?}");
    assert!(
        away.iter().all(|o| *o == Outcome::TurnedAway),
        "{outcomes:?}"
    );
    assert_quiet(&server, before, started, 1);
    // Once the server has seen the 3 go, it has room again.
    let served = || try_echo(&mut connect(addr)) == Outcome::Served;
    assert!(eventually(PATIENCE, served), "no room after the crowd");
}

/// Out of memory for coroutine stacks, a server turns clients away, one
/// at a time, and serves again once memory is back: no panic (whose
/// backtrace, with `RUST_BACKTRACE=1`, once hung a server that had no
/// memory left to print it), no abort.
///
/// The test lowers the server's address-space limit (`prlimit`) to what
/// it uses now plus 3 MiB, a few dozen stacks; of 80 clients, the first
/// are served and the rest turned away, none left hanging; the limit
/// restored, a new client is served. (Linux: it reads `/proc/PID/status`.)
pub fn out_of_stacks(program: &str) {
    use rustix::process::{Pid, Resource, Rlimit, prlimit};
    let (mut server, addr) = Running::server(program);
    // A few round trips first, so that the server has made what it makes
    // once, and its heap has grown to hold what a few clients need.
    for _ in 0..4 {
        assert_eq!(try_echo(&mut connect(addr)), Outcome::Served);
    }
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.pid()))
            .expect("the server's status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmSize:"))
        .and_then(|size| size.trim().trim_end_matches(" kB").parse().ok())
        .expect("VmSize");
    let pid = Some(Pid::from_child(server.child()));
    let lowered = Rlimit {
        current: Some((kib << 10) + (3 << 20)),
        maximum: None,
    };
    let saved = prlimit(pid, Resource::As, lowered)
        .expect("cannot lower the server's limit");
    let (before, started) = (server.stderr_count(), Instant::now());
    let outcomes = crowd(addr, 80);
    prlimit(pid, Resource::As, saved).expect("cannot restore the limit");
    let served = outcomes.iter().filter(|o| **o == Outcome::Served).count();
    assert!((1..80).contains(&served), "{outcomes:?}");
    assert!(
        outcomes[served..].iter().all(|o| *o == Outcome::TurnedAway),
        "{outcomes:?}"
    );
    // Task creation, and (Part 8's trampoline) a call's stack.
    assert_quiet(&server, before, started, 2);
    assert!(server.is_running(), "the server died");
    let mut late = connect(addr);
    assert_eq!(try_echo(&mut late), Outcome::Served, "after the shortage");
}

/// Running out of file descriptors turns clients away, one by one,
/// without bringing the server down; once it has room again, it serves
/// as before.
///
/// The test lowers the server's own open-file limit (`prlimit`) so that
/// it has room for exactly `ROOM` (3) more connections; of 8 clients,
/// the first 3 are served and the other 5 turned away, not left hanging;
/// the limit restored, a new client is served. The server must neither
/// spin nor fill its log meanwhile: at most a line a second. (Linux: it
/// reads `/proc/PID/fd`.)
pub fn out_of_descriptors(program: &str) {
    use rustix::process::{Pid, Resource, Rlimit, getrlimit, prlimit};
    const ROOM: u64 = 3;
    const CLIENTS: usize = 8;
    let (server, addr) = Running::server(program);
    // One round trip first, so that the server has made what it makes
    // once; then wait until it has closed its end of that connection.
    let mut warm = connect(addr);
    assert_eq!(try_echo(&mut warm), Outcome::Served);
    warm.shutdown(Shutdown::Write).expect("cannot shut down");
    assert_eq!(warm.read(&mut [0; 1]).expect("no close"), 0);
    drop(warm);
    // A new descriptor takes the lowest free number: find the limit that
    // leaves ROOM numbers free below it.
    let open = open_descriptors(server.pid());
    let low = (1..)
        .find(|&limit| {
            let taken = open.iter().filter(|&&fd| fd < limit).count();
            limit - taken as u64 == ROOM
        })
        .expect("a limit");
    let pid = Some(Pid::from_child(server.child()));
    let lowered = Rlimit {
        current: Some(low),
        maximum: getrlimit(Resource::Nofile).maximum, // as the server's
    };
    let saved = prlimit(pid, Resource::Nofile, lowered)
        .expect("cannot lower the server's limit");
    let (before, started) = (server.stderr_count(), Instant::now());
    let outcomes = crowd(addr, CLIENTS);
    prlimit(pid, Resource::Nofile, saved).expect("cannot restore the limit");
    let mut expected: Vec<Outcome> =
        (0..CLIENTS).map(|_| Outcome::TurnedAway).collect();
    for outcome in expected.iter_mut().take(ROOM as usize) {
        *outcome = Outcome::Served;
    }
    assert_eq!(outcomes, expected);
    assert_quiet(&server, before, started, 1);
    // The server lives on and serves as before.
    let mut late = connect(addr);
    assert_eq!(try_echo(&mut late), Outcome::Served, "after the shortage");
}
