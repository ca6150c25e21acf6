//! The servers, the blasters and the contest for real, as processes, on
//! free ports of 127.0.0.1, with small loads. Every wait is bounded and
//! every process is killed and reaped (`common::Server`).

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Server, TempDir};

const BLASTER: &str = env!("CARGO_BIN_EXE_blaster");
const RUNBLASTER: &str = env!("CARGO_BIN_EXE_runblaster");
const ECHOTHREAD: &str = env!("CARGO_BIN_EXE_echothread");
const ECHOTOKIO: &str = env!("CARGO_BIN_EXE_echotokio");
const ECHOCONTEST: &str = env!("CARGO_BIN_EXE_echocontest");

/// Runs a program to its end (a blaster gives up after 10 s without a
/// reply).
fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn blaster_against_echothread() {
    let server = Server::start(ECHOTHREAD, &[]);
    let at = ["--server", &server.addr];
    // Many small messages: the progress lines, as the original prints.
    let out = run(BLASTER, &[&at[..], &["-c", "20", "-n", "12000"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "0\n10000\n");
    // Messages larger than the blaster's 64 KiB step, every byte checked.
    let big = ["-c", "3", "-n", "5", "-s", "300000"];
    let out = run(BLASTER, &[&at[..], &big].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "0\n");
}

#[test]
fn runblaster_prints_the_elapsed_seconds() {
    let server = Server::start(ECHOTHREAD, &[]);
    let args = ["-b", "3", "--server", &server.addr, "-c", "10", "-n", "400"];
    let out = run(RUNBLASTER, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // Each blaster's "0", then the seconds.
    assert_eq!(lines[..3], ["0", "0", "0"], "{stdout}");
    assert_eq!(lines.len(), 4, "{stdout}");
    let seconds: f64 = lines[3].parse().expect("seconds");
    assert!(seconds > 0.0);
}

#[test]
fn echothread_echoes_every_byte_in_order_then_closes() {
    let server = Server::start(ECHOTHREAD, &[]);
    let mut client = TcpStream::connect(&server.addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let me = client.local_addr().unwrap();
    // 4 MiB, more than the socket buffers hold: written by one thread
    // while this one reads, then the writing half closed.
    let sent: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut writer = client.try_clone().unwrap();
    let data = sent.clone();
    let writing = std::thread::spawn(move || {
        writer.write_all(&data).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut back = Vec::new();
    client
        .read_to_end(&mut back)
        .expect("the echo, then the close");
    writing.join().unwrap();
    assert!(back == sent, "{} bytes back of {}", back.len(), sent.len());
    let lines = server.take_lines(2);
    assert_eq!(
        lines,
        [
            format!("Connection from ('{}', {})", me.ip(), me.port()),
            "Client closed".into()
        ]
    );
}

/// Sends two bytes: true if they come back, false if the connection is
/// closed or reset (turned away); a client left waiting fails the test.
fn echoes(client: &mut TcpStream) -> bool {
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut back = [0; 2];
    match client
        .write_all(b"hi")
        .and_then(|_| client.read_exact(&mut back))
    {
        Ok(()) => back == *b"hi" || panic!("echoed {back:?}"),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut
            ) =>
        {
            panic!("a client left waiting")
        }
        Err(_) => false,
    }
}

/// Its ceiling, the threads its memory maps allow (about 15,000 with
/// Linux's defaults), is said at start-up, and `--max-clients` lowers it:
/// with 3, it serves 3 clients of 8 and closes the other 5 at once (no
/// thread started, none left waiting), saying so in a line a second at
/// most; once the 3 have gone, it serves a new client.
#[test]
fn echothread_turns_away_the_clients_it_has_no_room_for() {
    let server = Server::start(ECHOTHREAD, &["--max-clients", "3"]);
    let patience = Duration::from_secs(10);
    let room = server.errors.recv_timeout(patience).expect("its room");
    assert_eq!(room, "echothread: room for 3 clients at once");
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    let served: Vec<bool> = clients.iter_mut().map(echoes).collect();
    assert_eq!(
        served,
        [true, true, true, false, false, false, false, false]
    );
    drop(clients);
    let logged = server.errors.try_iter().count() as u64;
    assert!(logged <= 1 + started.elapsed().as_secs(), "{logged} lines");
    let deadline = Instant::now() + patience;
    while !echoes(&mut TcpStream::connect(&server.addr).unwrap()) {
        assert!(Instant::now() < deadline, "no room after the 3 left");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_busy_port_is_one_line() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for program in [ECHOTHREAD, ECHOTOKIO] {
        let out = run(program, &["--port", &port]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stderr),
            format!(
                "Error: cannot listen on 127.0.0.1:{port}: \
                 Address already in use (os error 98)\n"
            )
        );
    }
}

/// The contest on a tiny load, over this crate's servers (the other
/// parts' are not built by `cargo test -p part9_final`).
#[test]
fn the_contest_on_a_tiny_load() {
    let tmp = TempDir::new("contest");
    let chart = tmp.path().join("chart.svg");
    let bin_dir = Path::new(ECHOTHREAD).parent().unwrap();
    let names = ["echothread", "tokio current-thread", "tokio multi-thread"];
    let mut args = vec!["--bin-dir", bin_dir.to_str().unwrap()];
    args.extend(["-b", "2", "-c", "5", "-n", "300"]);
    args.extend(["--svg", chart.to_str().unwrap()]);
    for name in names {
        args.extend(["--only", name]);
    }
    let out = run(ECHOCONTEST, &args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let table: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(table.len(), 1 + names.len(), "{stdout}");
    for (name, line) in names.iter().zip(&table[1..]) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(cells[1..3], [*name, "2 x 5 x 300"], "{line}");
        assert!(cells[3].parse::<f64>().is_ok(), "seconds in {line}");
        let rate = cells[4].replace(',', "");
        assert!(rate.parse::<u64>().is_ok_and(|r| r > 0), "{line}");
        assert!(cells[5].ends_with(" MiB"), "memory in {line}");
        assert_eq!(cells[6], "", "a note in {line}");
    }
    let svg = std::fs::read_to_string(&chart).expect("the chart");
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    // The background, then a bar per server.
    assert_eq!(svg.matches("<rect ").count(), 1 + names.len());
    for name in names {
        assert!(svg.contains(&format!(">{name}</text>")), "{svg}");
    }
}
