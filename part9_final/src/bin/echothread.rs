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
//! `Connection from 127.0.0.1:54321` and `Client closed` for each client.
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

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;
use socket2::{Domain, Socket, Type};

// ANCHOR: handle
/// `EchoHandler.handle`: echoes what the client sends until it closes.
fn handle(mut request: TcpStream, client_address: SocketAddr) {
    println!("Connection from {client_address}");
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
    fn serve_forever(&self) {
        loop {
            match self.socket.accept() {
                Ok((request, client_address)) => {
                    let spawned = thread::Builder::new()
                        .spawn(move || handle(request, client_address));
                    if let Err(e) = spawned {
                        eprintln!("no thread for {client_address}: {e}");
                    }
                }
                // Out of file descriptors, say: pause rather than spin.
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
    // ANCHOR_END: serve_forever
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
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { host, port } = Args::parse();
    let serv = MyServer::new(&host, port)
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    eprintln!("echothread: listening on {}", serv.socket.local_addr()?);
    serv.serve_forever();
    Ok(())
}
