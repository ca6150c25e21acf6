//! Every echo server of Part 8, run as a program on a port of its
//! choosing, passes Part 7's tests: every byte back in order under 100
//! clients at once with rough ones among them, a client that stops
//! reading stalls only itself, half-close; and out of room (file
//! descriptors, `--max-clients`, memory for coroutine stacks), it turns
//! clients away and lives on. (The clients: Part 7's
//! `tests/common/mod.rs`.)

#[path = "../../part7_os/tests/common/mod.rs"]
mod common;

use common::Running;

const SERVERS: [&str; 4] = [
    env!("CARGO_BIN_EXE_echoserver"),
    env!("CARGO_BIN_EXE_echoserver2"),
    env!("CARGO_BIN_EXE_twistedecho"),
    env!("CARGO_BIN_EXE_echostackful"),
];

fn keeps_every_byte(program: &str) {
    let (_server, addr) = Running::server(program);
    common::many_clients_and_rough_ones(addr);
    common::a_client_that_stops_reading(addr);
    common::half_close(addr);
}

#[test]
fn echoserver_keeps_every_byte_of_every_client() {
    keeps_every_byte(SERVERS[0]);
}

#[test]
fn echoserver2_keeps_every_byte_of_every_client() {
    keeps_every_byte(SERVERS[1]);
}

#[test]
fn twistedecho_keeps_every_byte_of_every_client() {
    keeps_every_byte(SERVERS[2]);
}

#[test]
fn echostackful_keeps_every_byte_of_every_client() {
    keeps_every_byte(SERVERS[3]);
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_descriptors_every_server_turns_clients_away_and_lives_on() {
    for server in SERVERS {
        common::out_of_descriptors(server);
    }
}

#[test]
fn at_max_clients_every_server_turns_clients_away_and_lives_on() {
    for server in SERVERS {
        common::at_max_clients(server);
    }
}

/// The servers on coroutines (all but `twistedecho`, whose clients need
/// no stack).
#[cfg(target_os = "linux")]
#[test]
fn out_of_stacks_every_coroutine_server_turns_clients_away_and_lives_on() {
    for server in [SERVERS[0], SERVERS[1], SERVERS[3]] {
        common::out_of_stacks(server);
    }
}
