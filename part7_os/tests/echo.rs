//! echogood2's server, run in this process on a port of its own, under
//! real clients: 100 at once, each sending 1 MiB of random bytes in
//! random-sized pieces and reading every byte back in order, while other
//! clients reset their connections mid-stream or vanish mid-message. The
//! server must serve the rest untroubled, still serve afterwards, and end
//! cleanly when asked to. (The clients are `part7_os::testing`'s, shared
//! with Part 8's servers.)

use part7_os::echogood;
use part7_os::net::Listener;
use part7_os::testing::{self, ServerThread};

fn start() -> ServerThread {
    ServerThread::start(|sock, stop| {
        let sock = Listener::new(sock).expect("a non-blocking listener");
        echogood::run(sock, false, stop);
    })
}

#[test]
fn echogood2_serves_many_clients_at_once_and_survives_rough_ones() {
    let server = start();
    testing::many_clients_and_rough_ones(server.addr);
    server.stop();
}

#[test]
fn a_client_that_stops_reading_only_stalls_itself() {
    let server = start();
    // The server's task for the hog must wait to write (WriteWait),
    // without stopping the others.
    testing::a_client_that_stops_reading(server.addr);
    server.stop();
}
