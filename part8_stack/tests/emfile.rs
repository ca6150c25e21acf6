//! Out of file descriptors, the stackful server turns clients away, one
//! by one, and lives on: Part 7's test
//! (`part7_os::testing::out_of_descriptors`), for `echostackful`. (At its
//! file limit, a server that tried `accept` again at once after a failure
//! would spin: `accept` fails for want of a descriptor even when no
//! connection is waiting. This server waits for one first.)
//!
//! The open-file limit belongs to the whole process, so this test has a
//! file (a test process) of its own. (Linux only.)

#![cfg(target_os = "linux")]

use part7_os::net::Listener;
use part7_os::testing::{self, ServerThread};
use part8_stack::echostackful;
use part8_stack::stacks::Stacks;
use std::time::Duration;

#[test]
fn out_of_descriptors_the_stackful_server_turns_clients_away_and_lives_on() {
    testing::out_of_descriptors(ServerThread::start(|sock, stop| {
        let sock = Listener::new(sock).expect("a non-blocking listener");
        let stacks = Stacks::new(echostackful::STACK_SIZE);
        echostackful::run(sock, stacks, stop, Duration::ZERO)
            .expect("the scheduler failed");
    }));
}
