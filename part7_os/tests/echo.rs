//! The echo servers of Part 7 under real clients, run as programs on a
//! port of their choosing: every byte back in order under 100 clients at
//! once with rough ones among them, a client that stops reading stalls
//! only itself, half-close; and a server out of room (file descriptors,
//! `--max-clients`, memory for its tasks' stacks) turns clients away
//! without bringing the server down. (The clients: `tests/common/mod.rs`.)

mod common;

use common::Running;

const ECHOGOOD2: &str = env!("CARGO_BIN_EXE_echogood2");

#[test]
fn echogood2_keeps_every_byte_of_every_client() {
    let (_server, addr) = Running::server(ECHOGOOD2);
    common::many_clients_and_rough_ones(addr);
    common::a_client_that_stops_reading(addr);
    common::half_close(addr);
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_descriptors_echogood2_turns_clients_away_and_lives_on() {
    common::out_of_descriptors(ECHOGOOD2);
}

#[test]
fn at_max_clients_echogood2_turns_clients_away_and_lives_on() {
    common::at_max_clients(ECHOGOOD2);
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_stacks_echogood2_turns_clients_away_and_lives_on() {
    common::out_of_stacks(ECHOGOOD2);
}
