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
use std::time::Duration;

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
        echostackful::run(sock, stacks, stop, Duration::ZERO)
            .expect("the scheduler failed");
    });
}

#[test]
fn echostackful_spinning_keeps_every_byte_of_every_client() {
    serve_and_check(|sock, stop| {
        let stacks = Stacks::new(echostackful::STACK_SIZE);
        let spin = Duration::from_micros(50);
        echostackful::run(sock, stacks, stop, spin)
            .expect("the scheduler failed");
    });
}

#[cfg(target_os = "linux")]
#[test]
fn with_no_stack_left_the_server_turns_a_client_away_and_lives_on() {
    use std::io::{ErrorKind, Read};
    use std::net::Shutdown;
    // Room for three tasks: the server's and two clients'. (A slab needs
    // Linux 6.13; on an older kernel there is nothing to check here.)
    let Ok(probe) = Stacks::slab(echostackful::STACK_SIZE, 3) else {
        return;
    };
    drop(probe);
    let server = ServerThread::start(|sock: TcpListener, stop| {
        let sock = Listener::new(sock).expect("a non-blocking listener");
        let stacks = Stacks::slab(echostackful::STACK_SIZE, 3)
            .expect("a slab, as a moment ago");
        echostackful::run(sock, stacks, stop, Duration::ZERO)
            .expect("the scheduler failed");
    });
    let mut first = testing::connect(server.addr);
    testing::echo_once(&mut first, b"one");
    let mut second = testing::connect(server.addr);
    testing::echo_once(&mut second, b"two");
    // No stack for a third task: its connection is closed at once.
    let mut third = testing::connect(server.addr);
    third
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    match third.read(&mut [0; 1]) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the third client was not turned away: {other:?}"),
    }
    // When a client leaves, its task's stack serves the next one. The
    // server closes its end after its task has ended and given the stack
    // back: once the first client reads that close, there is room.
    first.shutdown(Shutdown::Write).expect("cannot shut down");
    assert_eq!(first.read(&mut [0; 1]).expect("no close"), 0);
    let mut fourth = testing::connect(server.addr);
    testing::echo_once(&mut fourth, b"four");
    testing::echo_once(&mut second, b"still two");
    drop((first, second, third, fourth));
    server.stop();
}
