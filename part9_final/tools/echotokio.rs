//! # echotokio: the production baseline of the echo race (a tool; no original)
//!
//! The course races threads, its coroutine scheduler and Twisted. A Rust
//! programmer writing an echo server for real would reach for tokio, the
//! ecosystem's async runtime: a task per connection, written as
//! straight-line code with `.await` where it may wait, on an event loop
//! over epoll (through `mio`). It is the yardstick for the workbook's own
//! coroutine servers.
//!
//! `--flavor current-thread` (the default) runs every task on one thread,
//! as the schedulers of Parts 7 and 8 do; `--flavor multi-thread` runs a
//! worker thread per core. Like the other servers it listens on
//! 127.0.0.1:45000 (`--host`, `--port`, 0 picks a free one) with a queue
//! of 1024, says `echotokio: listening on ADDRESS` on stderr, and prints
//! `Connection from ADDRESS` and `Client closed` for each client.
//!
//! Its ceiling is the open-file limit, a descriptor a client (it does not
//! raise the limit, as the lessons' servers do). Out of descriptors it
//! tries again every 10 ms, saying so once a second at most, and a client
//! waiting meanwhile is served as soon as another leaves.
//!
//! Run it with `cargo run --release --bin echotokio`, then
//! `cargo run --release --bin runblaster` in another terminal.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::Fail;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// Which tokio runtime runs the tasks.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Flavor {
    /// One thread runs every task, as the coroutine servers do.
    CurrentThread,
    /// A worker thread per core, tasks moving between them.
    MultiThread,
}

/// An echo server on tokio; its ceiling is the open-file limit (a
/// descriptor a client)
#[derive(Parser)]
#[command(name = "echotokio")]
struct Args {
    /// Which tokio runtime runs the tasks
    #[arg(long, value_enum, default_value_t = Flavor::CurrentThread)]
    flavor: Flavor,
    /// Address to listen on (0.0.0.0: every interface)
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 45000)]
    port: u16,
}

// ANCHOR: handle_client
/// Echoes what `client` sends until it closes.
async fn handle_client(mut client: TcpStream, addr: SocketAddr) {
    println!("Connection from {addr}");
    let mut data = vec![0; 65536];
    while let Ok(n @ 1..) = client.read(&mut data).await {
        if client.write_all(&data[..n]).await.is_err() {
            break;
        }
    }
    println!("Client closed");
}
// ANCHOR_END: handle_client

// ANCHOR: server
/// Accepts connections forever, a task for each.
async fn server(listener: TcpListener) {
    let mut said: Option<Instant> = None; // when a failure was last said
    loop {
        match listener.accept().await {
            Ok((client, addr)) => {
                tokio::spawn(handle_client(client, addr));
            }
            // Out of file descriptors, say: pause rather than spin, and
            // say so once a second at most.
            Err(e) => {
                if said.is_none_or(|at| at.elapsed() >= Duration::from_secs(1))
                {
                    eprintln!("accept failed: {e}");
                    said = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}
// ANCHOR_END: server

/// A listening socket with a queue of 1024 (`TcpListener::bind` picks
/// 128) and `SO_REUSEADDR`, as the workbook's other servers have.
fn listen(host: &str, port: u16) -> std::io::Result<TcpListener> {
    let addr = (host, port).to_socket_addrs()?.next();
    let addr = addr.ok_or(std::io::ErrorKind::NotFound)?;
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { flavor, host, port } = Args::parse();
    let mut runtime = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = runtime.enable_all().build()?;
    runtime.block_on(async {
        let listener = listen(&host, port)
            .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
        eprintln!("echotokio: listening on {}", listener.local_addr()?);
        server(listener).await;
        Ok(())
    })
}
