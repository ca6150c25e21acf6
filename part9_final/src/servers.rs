//! The contest's echo servers of this part: one thread per connection
//! (`echothread`), and the production baseline on tokio (`echotokio`).
//! Both listen with the same socket set-up.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::thread;

use socket2::{Domain, Socket, Type};

/// How many connections may wait to be accepted. Python's
/// `socketserver` listens with 5 unless told otherwise; `echothread.py`
/// sets 1024, so that 900 blaster connections arriving at once are not
/// dropped and retried a second later.
pub const BACKLOG: i32 = 1024;

// ANCHOR: listen
/// A listening socket on `host:port` with a backlog of [`BACKLOG`].
///
/// Python: `TcpListener::bind` would pick its own backlog; `socket2`
/// exposes `listen(n)` as Python's `socket` does.
pub fn listen(host: &str, port: u16) -> Result<TcpListener, String> {
    let addr = (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut found| found.next())
        .ok_or_else(|| format!("cannot find the address of host {host}"))?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)
        .map_err(|e| format!("cannot make a socket: {e}"))?;
    // Restarting the server right after stopping it must not fail while
    // old connections linger in TIME_WAIT (the pyos servers do the same).
    socket
        .set_reuse_address(true)
        .map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;
    socket.bind(&addr.into()).map_err(|e| match e.kind() {
        io::ErrorKind::AddrInUse => format!("port {port} is already in use"),
        _ => format!("cannot listen on {addr}: {e}"),
    })?;
    socket
        .listen(BACKLOG)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    Ok(socket.into())
}
// ANCHOR_END: listen

// ANCHOR: echothread
/// Serves each connection on its own thread, forever.
pub fn echothread(listener: TcpListener) -> io::Result<()> {
    loop {
        match listener.accept() {
            Ok((client, addr)) => {
                let spawned = thread::Builder::new()
                    .spawn(move || handle_client(client, addr));
                if let Err(e) = spawned {
                    // Python: socketserver would print a traceback.
                    eprintln!("cannot start a thread for {addr}: {e}");
                }
            }
            // Too many open files, a reset before accept: the server
            // goes on with the next connection, after a pause so that a
            // lasting error does not spin.
            Err(e) => {
                eprintln!("accept failed: {e}");
                thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

/// Echoes what `client` sends until it closes (`EchoHandler.handle`).
fn handle_client(mut client: TcpStream, addr: SocketAddr) {
    println!("Connection from {addr}");
    let mut data = vec![0u8; 65536];
    loop {
        let n = match client.read(&mut data) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // Python: `sendall`, which loops until every byte is written.
        if client.write_all(&data[..n]).is_err() {
            break;
        }
    }
    println!("Client closed");
}
// ANCHOR_END: echothread

/// Which tokio runtime runs the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavor {
    /// One thread runs every task, as the coroutine servers do.
    CurrentThread,
    /// A worker thread per core, tasks moving between them.
    MultiThread,
}

/// Serves every connection as a tokio task, forever, on the runtime
/// `flavor` names.
pub fn echotokio(listener: TcpListener, flavor: Flavor) -> io::Result<()> {
    let runtime = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_io()
    .enable_time()
    .build()?;
    runtime.block_on(serve_tokio(listener))
}

// ANCHOR: echotokio
/// The accept loop: a task per connection.
async fn serve_tokio(listener: TcpListener) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    loop {
        match listener.accept().await {
            Ok((client, addr)) => {
                tokio::spawn(handle_client_tokio(client, addr));
            }
            Err(e) => {
                eprintln!("accept failed: {e}");
                let pause = std::time::Duration::from_millis(10);
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// Echoes what `client` sends until it closes.
async fn handle_client_tokio(
    mut client: tokio::net::TcpStream,
    addr: SocketAddr,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    println!("Connection from {addr}");
    let mut data = vec![0u8; 65536];
    loop {
        let n = match client.read(&mut data).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if client.write_all(&data[..n]).await.is_err() {
            break;
        }
    }
    println!("Client closed");
}
// ANCHOR_END: echotokio
