//! Every echo server of Part 8 passes Part 7's data-integrity test, run
//! in this process on a port of its own: 100 clients at once, each
//! sending 1 MiB of random bytes in random-sized pieces and reading every
//! byte back in order, while 20 others reset their connections or vanish
//! mid-stream; then a client that sends and does not read, which must
//! stall only itself. The server must still serve afterwards, and end
//! cleanly when asked to. (The clients: `part7_os::testing`.)

use part7_os::net::{Listener, Stop};
use part7_os::testing::{self, ServerThread};
use part8_stack::stacks::Stacks;
use part8_stack::{echoserver, echoserver2, echostackful, twistedecho};
use std::net::TcpListener;

fn serve_and_check(run: impl FnOnce(Listener, Stop) + Send + 'static) {
    let server = ServerThread::start(|sock: TcpListener, stop| {
        run(Listener::new(sock).expect("a non-blocking listener"), stop)
    });
    testing::many_clients_and_rough_ones(server.addr);
    testing::a_client_that_stops_reading(server.addr);
    server.stop();
}

#[test]
fn echoserver_keeps_every_byte_of_every_client() {
    serve_and_check(echoserver::run);
}

#[test]
fn echoserver2_keeps_every_byte_of_every_client() {
    serve_and_check(echoserver2::run);
}

#[test]
fn twistedecho_keeps_every_byte_of_every_client() {
    serve_and_check(|sock, stop| {
        twistedecho::run(sock, stop).expect("the reactor failed");
    });
}

#[test]
fn echostackful_keeps_every_byte_of_every_client() {
    serve_and_check(|sock, stop| {
        let stacks = Stacks::new(echostackful::STACK_SIZE);
        echostackful::run(sock, stacks, stop).expect("the scheduler failed");
    });
}
