//! The contest's echo servers of this part: one thread per connection
//! (`echothread`), and the production baseline on tokio (`echotokio`).
//! Both listen with the socket set-up every server of the workbook
//! shares, Part 7's [`part7_os::net`] (backlog 1024, `SO_REUSEADDR`, the
//! open-file limit raised).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

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
