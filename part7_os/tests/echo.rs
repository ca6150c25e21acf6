//! echogood2's server, run in this process on a port of its own, under
//! real clients: 100 at once, each sending 1 MiB of random bytes in
//! random-sized pieces and reading every byte back in order, while other
//! clients reset their connections mid-stream or vanish mid-message. The
//! server must serve the rest untroubled, still serve afterwards, and end
//! cleanly when asked to.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use part7_os::echogood;
use part7_os::net::{self, Listener, Stop};
use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

const CLIENTS: usize = 100;
const BYTES: usize = 1 << 20;
const ROUGH_CLIENTS: usize = 20;
/// No single step of a test may take longer than this.
const PATIENCE: Duration = Duration::from_secs(120);

/// The server, on a thread of its own.
struct Server {
    addr: SocketAddr,
    stop: Stop,
    done: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let sock = net::listen("127.0.0.1", 0, net::BACKLOG).unwrap();
        let addr = sock.local_addr().unwrap();
        let stop = Stop::new();
        let stop_server = stop.clone();
        let (tx, done) = mpsc::channel();
        let thread = thread::spawn(move || {
            // A listener and its scheduler stay on the thread that runs
            // them: coroutines are not `Send`.
            let sock = Listener::new(sock).unwrap();
            echogood::run(sock, false, stop_server);
            let _ = tx.send(());
        });
        Server {
            addr,
            stop,
            done,
            thread: Some(thread),
        }
    }

    /// Asks the server to stop; it must, once its clients have gone.
    fn stop(mut self) {
        self.stop.request(self.addr);
        self.done
            .recv_timeout(PATIENCE)
            .expect("the server did not stop: a task was left behind");
        self.thread.take().unwrap().join().unwrap();
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Random bytes, and random piece sizes to send them in.
fn random_data(seed: u64) -> (Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = vec![0; BYTES];
    rng.fill_bytes(&mut data);
    (data, rng)
}

/// Sends `data` in random-sized pieces from one thread while reading the
/// echo on another, then checks every byte. Returns the bytes echoed.
fn honest_client(addr: SocketAddr, seed: u64) -> usize {
    let (data, mut rng) = random_data(seed);
    let stream = connect(addr);
    let mut writer = stream.try_clone().unwrap();
    let sent = data.clone();
    let sender = thread::spawn(move || {
        let mut at = 0;
        while at < sent.len() {
            let piece = rng.random_range(1..=16 * 1024).min(sent.len() - at);
            writer.write_all(&sent[at..at + piece]).unwrap();
            at += piece;
        }
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut echoed = Vec::with_capacity(BYTES);
    (&stream).read_to_end(&mut echoed).unwrap();
    sender.join().unwrap();
    assert_eq!(echoed.len(), data.len(), "client {seed}: lost bytes");
    assert!(
        echoed == data,
        "client {seed}: bytes corrupted or reordered"
    );
    echoed.len()
}

/// Sends part of its data, reads none of the echo, and goes: with a reset
/// (linger 0) or a plain close that the unread echo turns into a reset.
fn rough_client(addr: SocketAddr, seed: u64) {
    let (data, mut rng) = random_data(seed);
    let mut stream = connect(addr);
    let part = rng.random_range(1..=256 * 1024);
    // The server may reset us first: that is fine, we are leaving anyway.
    let _ = stream.write_all(&data[..part]);
    if seed.is_multiple_of(2) {
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    }
    drop(stream);
}

#[test]
fn echogood2_serves_many_clients_at_once_and_survives_rough_ones() {
    let server = Server::start();
    let addr = server.addr;
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
    late.write_all(b"still there?").unwrap();
    let mut back = [0; 12];
    late.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"still there?");
    drop(late);

    server.stop();
}

#[test]
fn a_client_that_stops_reading_only_stalls_itself() {
    let server = Server::start();
    let addr = server.addr;
    // This client sends far more than the socket buffers hold and reads
    // nothing: the server's task for it must wait to write (WriteWait),
    // without stopping the others.
    let mut hog = connect(addr);
    hog.set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
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
    other.write_all(b"hello").unwrap();
    let mut back = [0; 5];
    other.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"hello");
    drop(other);
    // The hog reads its echo after all: every byte comes back.
    hog.shutdown(Shutdown::Write).unwrap();
    let mut echoed = 0;
    let mut buf = vec![0; 64 * 1024];
    loop {
        match hog.read(&mut buf).unwrap() {
            0 => break,
            n => {
                assert!(buf[..n].iter().all(|&b| b == 7));
                echoed += n;
            }
        }
    }
    assert_eq!(echoed, pushed);
    server.stop();
}
