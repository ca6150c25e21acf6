//! # echothread: a thread per connection (slide 192; original: `echothread.py`)
//!
//! The race's thread server: each accepted connection gets its own
//! operating-system thread, which reads up to 64 KiB and writes it back
//! until the client closes. The thread blocks in `read`, and the kernel
//! wakes it when data arrives: the kernel is the scheduler.
//!
//! Run it with `cargo run --release --bin echothread` (127.0.0.1, port
//! 45000; `--host`, `--port`, 0 picks a free one), then
//! `cargo run --release --bin runblaster` in another terminal. It prints
//! `echothread: listening on 127.0.0.1:45000` on stderr, then
//! `Connection from ('127.0.0.1', 54321)` and `Client closed` for each client.
//!
//! Where Rust departs from the Python:
//! - Python's `socketserver.ThreadingTCPServer` binds, listens, accepts
//!   and starts the threads; here that is `MyServer`, a dozen lines.
//! - The address prints as `127.0.0.1:54321`, not as the tuple
//!   `('127.0.0.1', 54321)`.
//! - It listens on 127.0.0.1 (the original on every interface):
//!   `--host 0.0.0.0` opts in.
//! - Python's threads take turns holding the interpreter lock; these run
//!   on every core at once.
//! - It says how many clients it has room for (a descriptor and a thread
//!   each), `--max-clients` lowers that, and a client beyond it is closed
//!   at once: past about 16,000 threads, a thread that cannot map its
//!   signal stack aborts the process, every client with it.

use std::fmt::Display;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::{fs, thread};

use clap::Parser;
use part1_generators::Fail;
use socket2::{Domain, Socket, Type};

/// `EchoHandler`: serves one client. socketserver makes one for each
/// connection it accepts, with the connection (`request`) and the
/// client's address (`client_address`), and calls its `handle`.
struct EchoHandler(TcpStream, SocketAddr);

// ANCHOR: handle
impl EchoHandler {
    /// Echoes what the client sends until it closes.
    fn handle(self) {
        let EchoHandler(mut request, client_address) = self;
        // Python prints the address tuple: ('127.0.0.1', 54321)
        let (ip, port) = (client_address.ip(), client_address.port());
        println!("Connection from ('{ip}', {port})");
        let mut data = vec![0; 65536];
        loop {
            let n = match request.read(&mut data) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // Python: `sendall`, which writes until every byte is out.
            if request.write_all(&data[..n]).is_err() {
                break;
            }
        }
        println!("Client closed");
    }
}
// ANCHOR_END: handle

/// `MyServer`: a threading TCP server whose listen queue holds 1024
/// connections.
struct MyServer {
    socket: TcpListener,
}

impl MyServer {
    // ANCHOR: listen
    /// The original's `request_queue_size = 1024`. Three blasters connect
    /// 900 sockets at once; a short queue drops the extra handshakes and
    /// their clients retry seconds later.
    const REQUEST_QUEUE_SIZE: i32 = 1024;

    /// Binds and listens (socketserver's `server_bind`, `server_activate`).
    /// std's `TcpListener::bind` picks its own queue size (128), so the
    /// socket is made with the `socket2` crate.
    fn new(host: &str, port: u16) -> std::io::Result<MyServer> {
        let addr = (host, port).to_socket_addrs()?.next();
        let addr = addr.ok_or(std::io::ErrorKind::NotFound)?;
        let socket =
            Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        // Python: socketserver leaves this off; with it, a restarted server
        // can listen at once on the port its last run used.
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        socket.listen(Self::REQUEST_QUEUE_SIZE)?;
        Ok(MyServer {
            socket: socket.into(),
        })
    }
    // ANCHOR_END: listen

    // ANCHOR: serve_forever
    /// Accepts connections forever, each handled on a thread of its own.
    /// A client beyond `max_clients`, or with no thread to be had, is
    /// turned away (closed), said on stderr at most once a second.
    fn serve_forever(&self, max_clients: usize) {
        let clients = Arc::new(()); // a handle more in each client's thread
        let mut said = [None; 3]; // when each kind of failure was last said
        loop {
            match self.socket.accept() {
                Ok(_) if Arc::strong_count(&clients) > max_clients => {
                    log(&mut said[0], "no room: turned a client away")
                }
                Ok((request, client_address)) => {
                    let client = Arc::clone(&clients);
                    let spawned = thread::Builder::new().spawn(move || {
                        EchoHandler(request, client_address).handle();
                        drop(client);
                    });
                    if let Err(e) = spawned {
                        log(&mut said[1], format!("no thread: {e}"));
                    }
                }
                // Out of file descriptors, say: pause rather than spin.
                Err(e) => {
                    log(&mut said[2], format!("accept failed: {e}"));
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
    // ANCHOR_END: serve_forever
}

/// Prints `line` on stderr unless a line of its kind was printed less than
/// a second ago (`last`): a crowd turned away must not flood the log.
fn log(last: &mut Option<Instant>, line: impl Display) {
    if last.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
        eprintln!("echothread: {line}");
        *last = Some(Instant::now());
    }
}

/// The clients the server has room for: a descriptor each (a few are its
/// own), and a thread each, whose two stacks (its own, and its signal
/// handler's) take 4 of the memory maps a process may have (a tenth of
/// `vm.max_map_count` kept for the rest).
fn room() -> usize {
    let read = |path| fs::read_to_string(path).unwrap_or_default();
    let maps = read("/proc/sys/vm/max_map_count").trim().parse();
    let limits = read("/proc/self/limits"); // soft: 4th word
    let fds = limits.lines().find(|l| l.starts_with("Max open files"));
    let fds = fds.and_then(|l| l.split_whitespace().nth(3)?.parse().ok());
    let fds: usize = fds.unwrap_or(1024);
    (maps.unwrap_or(65530) * 9 / 10 / 4).min(fds.saturating_sub(8))
}

/// Where to listen.
#[derive(Parser)]
#[command(name = "echothread", about = "An echo server, a thread per client")]
struct Args {
    /// Address to listen on (0.0.0.0: every interface)
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 45000)]
    port: u16,
    /// Clients served at once; more are turned away [default: all it has
    /// room for, said at start-up]
    #[arg(long = "max-clients", value_name = "MAX_CLIENTS")]
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    max: Option<u64>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { host, port, max } = Args::parse();
    let serv = MyServer::new(&host, port)
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    eprintln!("echothread: listening on {}", serv.socket.local_addr()?);
    let room = max.map_or(usize::MAX, |n| n as usize).min(room());
    eprintln!("echothread: room for {room} clients at once");
    serv.serve_forever(room);
    Ok(())
}
