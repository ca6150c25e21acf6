//! What the tests of the workbook's echo servers share (Parts 7 and 8).
//! Not part of any lesson.
//!
//! - [`Running`]: a lesson running as a child process, its output read
//!   line by line with deadlines, killed on drop; [`run_to_end`] for a
//!   program that must end by itself.
//! - [`ServerThread`]: a server's library function running on a thread of
//!   the test process, on a port of its own, stopped on request.
//! - The data-integrity test every echo server must pass:
//!   [`many_clients_and_rough_ones`] (100 clients at once, each sending
//!   1 MiB of random bytes in random-sized pieces and checking every byte
//!   of the echo, while other clients reset their connections
//!   mid-stream), and [`a_client_that_stops_reading`].
//! - [`out_of_descriptors`]: a server out of file descriptors turns
//!   clients away, and serves again once it has some (Linux).
//!
//! Every wait is bounded; every thread and process is ended.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use crate::net::{self, Stop};

/// The line the alive task prints; counted, not forwarded (it floods).
pub const ALIVE: &str = "I'm alive!";

/// No single step of a test may take longer than this.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// A lesson running in a child process. Dropping it kills the process.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    alive: Arc<AtomicUsize>,
    stderr: Option<ChildStderr>,
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
        }
    }

    /// Reads the server's `NAME: listening on ADDRESS` line from stderr
    /// and returns the address; then stderr is passed through.
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
        thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
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

    /// The next line starting with `prefix`, skipping others (and the
    /// alive lines, see [`Running::next_line`]).
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

    /// Every line (alive lines included) that arrives within `window`.
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

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `condition` holds, checking every few milliseconds;
/// false if `within` passes first.
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

/// Runs `program` to its end, killing it if it takes longer than `within`
/// (then the test fails).
pub fn run_to_end(program: &str, args: &[&str], within: Duration) -> Finished {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
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

/// A server's library function running on a thread of the test process,
/// listening on a port of its own (127.0.0.1, port 0, [`net::BACKLOG`]).
pub struct ServerThread {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Stop,
    done: Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Starts `run` with the listening socket and the [`Stop`] it must
    /// obey. `run` makes its scheduler on the new thread: coroutines are
    /// not `Send`, so they stay on the thread that runs them.
    pub fn start(
        run: impl FnOnce(TcpListener, Stop) + Send + 'static,
    ) -> ServerThread {
        let sock = net::listen("127.0.0.1", 0, net::BACKLOG)
            .expect("cannot listen on a free port");
        let addr = sock.local_addr().expect("a local address");
        let stop = Stop::new();
        let stop_server = stop.clone();
        let (tx, done) = mpsc::channel();
        let thread = thread::spawn(move || {
            run(sock, stop_server);
            let _ = tx.send(());
        });
        ServerThread {
            addr,
            stop,
            done,
            thread: Some(thread),
        }
    }

    /// Asks the server to stop; it must, once its clients have gone.
    pub fn stop(mut self) {
        self.stop.request(self.addr);
        self.done
            .recv_timeout(PATIENCE)
            .expect("the server did not stop: a task was left behind");
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the server's thread panicked");
        }
    }
}

/// Clients that send their megabyte and check its echo.
pub const CLIENTS: usize = 100;
/// What each of them sends: 1 MiB.
pub const BYTES: usize = 1 << 20;
/// Clients that leave mid-stream, with a reset or a close.
pub const ROUGH_CLIENTS: usize = 20;

/// A client connection with bounded waits.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, PATIENCE)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    stream.set_write_timeout(Some(PATIENCE)).expect("a timeout");
    stream
}

/// Random bytes, and random piece sizes to send them in.
fn random_data(seed: u64) -> (Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = vec![0; BYTES];
    rng.fill_bytes(&mut data);
    (data, rng)
}

/// Sends 1 MiB of random bytes in random-sized pieces from one thread
/// while reading the echo on another, then checks every byte. Returns the
/// bytes echoed.
pub fn honest_client(addr: SocketAddr, seed: u64) -> usize {
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
    echoed.len()
}

/// Sends part of its data, reads none of the echo, and goes: with a reset
/// (linger 0) or a plain close that the unread echo turns into a reset.
pub fn rough_client(addr: SocketAddr, seed: u64) {
    let (data, mut rng) = random_data(seed);
    let mut stream = connect(addr);
    let part = rng.random_range(1..=256 * 1024);
    // The server may reset us first: that is fine, we are leaving anyway.
    let _ = stream.write_all(&data[..part]);
    if seed.is_multiple_of(2) {
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .expect("cannot set linger");
    }
    drop(stream);
}

/// Sends `message` and checks that it comes back.
pub fn echo_once(stream: &mut TcpStream, message: &[u8]) {
    stream.write_all(message).expect("cannot send");
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).expect("cannot read the echo");
    assert_eq!(back, message);
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
    let mut total = 0;
    for client in honest {
        total += client.join().expect("an honest client failed");
    }
    for client in rough {
        client.join().expect("a rough client failed");
    }
    assert_eq!(total, CLIENTS * BYTES);

    // Still serving, after all that.
    let mut late = connect(addr);
    echo_once(&mut late, b"still there?");
}

/// A client that sends far more than the socket buffers hold and reads
/// nothing must stall only itself: another client is served meanwhile,
/// and once it reads, every byte of its echo comes back.
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
    // Meanwhile another client is served.
    let mut other = connect(addr);
    echo_once(&mut other, b"hello");
    drop(other);
    // The hog reads its echo after all: every byte comes back.
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

/// The descriptors open in this process, leaving out the one that lists
/// them (the directory being read).
#[cfg(target_os = "linux")]
fn open_descriptors() -> Vec<u64> {
    std::fs::read_dir("/proc/self/fd")
        .expect("cannot list /proc/self/fd")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            if target.ends_with("fd") && target.starts_with("/proc") {
                return None;
            }
            entry.file_name().to_str()?.parse().ok()
        })
        .collect()
}

/// The soft limit that leaves exactly `room` descriptor numbers free
/// below it (a new descriptor takes the lowest free number).
#[cfg(target_os = "linux")]
fn limit_leaving(room: u64) -> u64 {
    let open = open_descriptors();
    (1..)
        .find(|&limit| {
            limit - open.iter().filter(|&&fd| fd < limit).count() as u64 == room
        })
        .expect("a limit")
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
        Ok(()) => {
            assert_eq!(&back, b"hi");
            Outcome::Served
        }
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

/// Running out of file descriptors must turn clients away, one by one,
/// without bringing the server down: once descriptors are free again, it
/// serves as before.
///
/// The open-file limit belongs to the whole process: the test that calls
/// this must have a process (a test file) of its own, with no other test
/// in it. It makes its client sockets before it lowers the limit:
/// connecting them then needs no new descriptor, while each connection
/// the server accepts does. `ROOM` (3) connections fit; of 8 clients,
/// the first 3 must be served and the other 5 turned away, not left
/// hanging.
#[cfg(target_os = "linux")]
pub fn out_of_descriptors(server: ServerThread) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    use socket2::{Domain, Socket, Type};
    const ROOM: u64 = 3;
    const CLIENTS: usize = 8;
    const SOON: Duration = Duration::from_secs(30);
    let addr = server.addr;

    // One round trip first, so the server has made everything it makes
    // once (its poller, among others) before the limit is lowered. Then
    // wait for the server to close its end, so that its descriptor is
    // free before we count.
    let mut warm = TcpStream::connect_timeout(&addr, SOON).expect("connect");
    warm.set_read_timeout(Some(SOON)).expect("a timeout");
    assert_eq!(try_echo(&mut warm), Outcome::Served);
    warm.shutdown(Shutdown::Write).expect("cannot shut down");
    assert_eq!(warm.read(&mut [0; 1]).expect("no close"), 0);
    drop(warm);

    let sockets: Vec<Socket> = (0..CLIENTS)
        .map(|_| Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket"))
        .collect();
    let saved = getrlimit(Resource::Nofile);
    let low = limit_leaving(ROOM);
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(low),
            maximum: saved.maximum,
        },
    )
    .expect("cannot lower the limit");

    let mut clients: Vec<TcpStream> = sockets
        .into_iter()
        .map(|s| {
            s.connect_timeout(&addr.into(), SOON).expect("connect");
            let s: TcpStream = s.into();
            s.set_read_timeout(Some(SOON)).expect("a timeout");
            s
        })
        .collect();
    let outcomes: Vec<Outcome> = clients.iter_mut().map(try_echo).collect();

    // Free the descriptors again: close the clients, restore the limit.
    drop(clients);
    setrlimit(Resource::Nofile, saved).expect("cannot restore the limit");
    // Connections are accepted in order: the first ones fill the room,
    // the others are closed at once rather than left hanging.
    let mut expected: Vec<Outcome> =
        (0..CLIENTS).map(|_| Outcome::TurnedAway).collect();
    for outcome in expected.iter_mut().take(ROOM as usize) {
        *outcome = Outcome::Served;
    }
    assert_eq!(outcomes, expected);

    // The server lives on and serves as before.
    let mut late = TcpStream::connect_timeout(&addr, SOON).expect("connect");
    late.set_read_timeout(Some(SOON)).expect("a timeout");
    assert_eq!(try_echo(&mut late), Outcome::Served, "after the shortage");
    drop(late);
    server.stop();
}
