//! Running out of file descriptors turns clients away, one by one, but
//! does not bring the server down: once descriptors are free again, it
//! serves as before. (The test: `part7_os::testing::out_of_descriptors`.)
//!
//! The open-file limit belongs to the whole process, so this test has a
//! file (a test process) of its own. (Linux only: it counts its
//! descriptors in `/proc/self/fd`.)

#![cfg(target_os = "linux")]

use part7_os::echogood;
use part7_os::net::Listener;
use part7_os::testing::{self, ServerThread};

#[test]
fn out_of_descriptors_the_server_turns_clients_away_and_lives_on() {
    testing::out_of_descriptors(ServerThread::start(|sock, stop| {
        let sock = Listener::new(sock).expect("a non-blocking listener");
        echogood::run(sock, false, stop);
    }));
}
