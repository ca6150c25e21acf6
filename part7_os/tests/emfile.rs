//! Running out of file descriptors turns clients away, one by one, but
//! does not bring the server down: once descriptors are free again, it
//! serves as before.
//!
//! The open-file limit belongs to the whole process, so this test has a
//! file (a test process) of its own, and makes its client sockets before
//! it lowers the limit: connecting them then needs no new descriptor,
//! while each connection the server accepts does. (Linux only: it counts
//! its descriptors in `/proc/self/fd`.)

#![cfg(target_os = "linux")]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use part7_os::echogood;
use part7_os::net::{self, Listener, Stop};
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use socket2::{Domain, Socket, Type};

const PATIENCE: Duration = Duration::from_secs(30);
/// Connections the server can accept under the lowered limit.
const ROOM: u64 = 3;
const CLIENTS: usize = 8;

/// The descriptors open in this process, leaving out the one that lists
/// them (the directory being read).
fn open_descriptors() -> Vec<u64> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
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
fn limit_leaving(room: u64) -> u64 {
    let open = open_descriptors();
    (1..)
        .find(|&limit| {
            limit - open.iter().filter(|&&fd| fd < limit).count() as u64 == room
        })
        .unwrap()
}

/// What a client got.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Its echo.
    Served,
    /// Its connection closed or reset: turned away.
    TurnedAway,
    /// Nothing at all: left hanging.
    Hanging,
}

fn try_echo(socket: &mut TcpStream) -> Outcome {
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

#[test]
fn out_of_descriptors_the_server_turns_clients_away_and_lives_on() {
    let sock = net::listen("127.0.0.1", 0, net::BACKLOG).unwrap();
    let addr: SocketAddr = sock.local_addr().unwrap();
    let stop = Stop::new();
    let stop_server = stop.clone();
    let (tx, done) = mpsc::channel();
    let server = thread::spawn(move || {
        echogood::run(Listener::new(sock).unwrap(), false, stop_server);
        let _ = tx.send(());
    });

    // One round trip first, so the server has made everything it makes
    // once (its poller, among others) before the limit is lowered.
    // Then wait for the server to close its end, so that its descriptor
    // is free before we count.
    let mut warm = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    warm.set_read_timeout(Some(PATIENCE)).unwrap();
    assert_eq!(try_echo(&mut warm), Outcome::Served);
    warm.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(warm.read(&mut [0; 1]).unwrap(), 0);
    drop(warm);

    let sockets: Vec<Socket> = (0..CLIENTS)
        .map(|_| Socket::new(Domain::IPV4, Type::STREAM, None).unwrap())
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
    .unwrap();

    let mut clients: Vec<TcpStream> = sockets
        .into_iter()
        .map(|s| {
            s.connect_timeout(&addr.into(), PATIENCE).unwrap();
            let s: TcpStream = s.into();
            s.set_read_timeout(Some(PATIENCE)).unwrap();
            s
        })
        .collect();
    let outcomes: Vec<Outcome> = clients.iter_mut().map(try_echo).collect();

    // Free the descriptors again: close the clients, restore the limit.
    drop(clients);
    setrlimit(Resource::Nofile, saved).unwrap();
    // Connections are accepted in order: the first ones fill the room,
    // the others are closed at once rather than left hanging.
    let mut expected: Vec<Outcome> =
        (0..CLIENTS).map(|_| Outcome::TurnedAway).collect();
    for outcome in expected.iter_mut().take(ROOM as usize) {
        *outcome = Outcome::Served;
    }
    assert_eq!(outcomes, expected);

    // The server lives on and serves as before.
    let mut late = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    late.set_read_timeout(Some(PATIENCE)).unwrap();
    assert_eq!(try_echo(&mut late), Outcome::Served, "after the shortage");
    drop(late);

    stop.request(addr);
    done.recv_timeout(PATIENCE)
        .expect("the server did not stop");
    server.join().unwrap();
}
