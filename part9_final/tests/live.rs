//! The servers and the blasters for real, on free ports of 127.0.0.1,
//! with small loads. Every wait is bounded; every process is killed at
//! the end (`Running` kills its process when dropped).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use part1_generators::testing::{Running, Scratch};
use part9_final::contest::{SERVERS, free_port};

const BLASTER: &str = env!("CARGO_BIN_EXE_blaster");
const RUNBLASTER: &str = env!("CARGO_BIN_EXE_runblaster");
const ECHOTHREAD: &str = env!("CARGO_BIN_EXE_echothread");
const ECHOTOKIO: &str = env!("CARGO_BIN_EXE_echotokio");
const ECHOCONTEST: &str = env!("CARGO_BIN_EXE_echocontest");

/// Starts a server binary on a free port and waits until it accepts.
fn start(program: &str, args: &[&str]) -> (Running, u16) {
    let port = free_port().expect("no free port");
    let port_text = port.to_string();
    let mut all = args.to_vec();
    all.extend(["--port", &port_text]);
    let mut server = Running::start(Path::new(program), &all);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err()
    {
        assert!(server.is_running(), "{program} exited");
        assert!(Instant::now() < deadline, "{program} never accepted");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The probe connection printed two lines; skip them.
    let _ = server.take_lines(2, Instant::now() + Duration::from_secs(5));
    (server, port)
}

/// Runs a program to its end (the blasters stop themselves: every
/// connect and read has a 10 s timeout here).
fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A blaster run with a small load, every reply checked byte for byte.
fn blast(port: u16, connections: &str, messages: &str, size: &str) {
    let server = format!("127.0.0.1:{port}");
    let out = run(
        BLASTER,
        &[
            "--server",
            &server,
            "--connections",
            connections,
            "--messages",
            messages,
            "--size",
            size,
            "--timeout",
            "10",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "blaster failed: {}",
        text(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "0", "progress starts at message 0");
    let summary = lines.last().expect("a summary line");
    let count = messages.parse::<u64>().unwrap();
    assert!(
        summary.starts_with(&format!(
            "{} messages in ",
            part9_final::blaster::thousands(count)
        )),
        "unexpected summary {summary:?}"
    );
    assert!(summary.contains("messages per second, round trip p50 "));
    // Progress every 10,000 messages, before the message is sent.
    assert_eq!(lines.len() as u64, count.div_ceil(10_000) + 1);
}

/// The loads each server gets: many small messages on many connections,
/// then a few messages larger than the blaster's 64 KiB step.
fn blast_both_ways(port: u16) {
    blast(port, "50", "12000", "1024");
    blast(port, "3", "10", "200000");
}

#[test]
fn blaster_against_echothread() {
    let (_server, port) = start(ECHOTHREAD, &[]);
    blast_both_ways(port);
}

#[test]
fn blaster_against_tokio_current_thread() {
    let (_server, port) = start(ECHOTOKIO, &["--flavor", "current-thread"]);
    blast_both_ways(port);
}

#[test]
fn blaster_against_tokio_multi_thread() {
    let (_server, port) = start(ECHOTOKIO, &["--flavor", "multi-thread"]);
    blast_both_ways(port);
}

/// A client's round trip, and the two lines the server prints for it.
fn one_client_prints_two_lines(program: &str, args: &[&str]) {
    let (server, port) = start(program, args);
    let mut client = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let me = client.local_addr().unwrap();
    client.write_all(b"hello, echo").unwrap();
    let mut back = [0u8; 11];
    client.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"hello, echo");
    drop(client);
    let lines = server.take_lines(2, Instant::now() + Duration::from_secs(10));
    assert_eq!(
        lines,
        [format!("Connection from {me}"), "Client closed".into()]
    );
}

#[test]
fn echothread_prints_like_the_original() {
    one_client_prints_two_lines(ECHOTHREAD, &[]);
}

#[test]
fn echotokio_prints_like_the_other_servers() {
    one_client_prints_two_lines(ECHOTOKIO, &["--flavor", "multi-thread"]);
}

#[test]
fn a_port_in_use_is_named() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
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

#[test]
fn runblaster_prints_elapsed_seconds_then_the_totals() {
    let (_server, port) = start(ECHOTHREAD, &[]);
    let server = format!("127.0.0.1:{port}");
    let out = run(
        RUNBLASTER,
        &[
            "--blasters",
            "3",
            "--connections",
            "10",
            "--messages",
            "400",
            "--server",
            &server,
            "--timeout",
            "10",
        ],
    );
    assert!(out.status.success(), "runblaster: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // Each blaster's "0" and summary, then the elapsed time and totals.
    assert_eq!(lines.len(), 3 * 2 + 2, "{stdout}");
    assert_eq!(lines.iter().filter(|l| **l == "0").count(), 3);
    let elapsed: f64 = lines[6].parse().expect("elapsed seconds");
    assert!(elapsed > 0.0);
    assert!(
        lines[7].starts_with("1,200 messages, "),
        "unexpected totals {:?}",
        lines[7]
    );
    assert!(lines[7].contains(" messages per second, round trip p50 "));
}

/// Checks that `xml` is well-formed: tags nest and close, attributes are
/// quoted, `&` starts an entity, one root element. Returns the number of
/// elements.
fn well_formed(xml: &str) -> Result<usize, String> {
    fn entity_ok(rest: &str) -> bool {
        let Some(end) = rest.find(';') else {
            return false;
        };
        let name = &rest[1..end];
        matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name.strip_prefix('#').is_some_and(|n| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
            })
    }
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
    };
    let mut open: Vec<&str> = Vec::new();
    let (mut elements, mut roots) = (0, 0);
    let mut rest = xml;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>").ok_or("open <?")? + 2..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or("open </")?;
            let name = after[..end].trim();
            if open.pop() != Some(name) {
                return Err(format!("</{name}> closes nothing open"));
            }
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').ok_or("open <")?;
            let mut tag = &after[..end];
            let empty = tag.ends_with('/');
            if empty {
                tag = &tag[..tag.len() - 1];
            }
            let name = tag.split_whitespace().next().unwrap_or("");
            if !name_ok(name) {
                return Err(format!("bad element name {name:?}"));
            }
            // Attributes: name="value", nothing else.
            let mut attrs = tag[name.len()..].trim_start();
            while !attrs.is_empty() {
                let eq = attrs.find("=\"").ok_or("unquoted attribute")?;
                if !name_ok(&attrs[..eq]) {
                    return Err(format!("bad attribute {:?}", &attrs[..eq]));
                }
                let value_end =
                    attrs[eq + 2..].find('"').ok_or("open quote")?;
                let value = &attrs[eq + 2..eq + 2 + value_end];
                if value.contains('<') {
                    return Err("< in an attribute".into());
                }
                for (i, _) in value.match_indices('&') {
                    if !entity_ok(&value[i..]) {
                        return Err("bad entity in an attribute".into());
                    }
                }
                attrs = attrs[eq + 3 + value_end..].trim_start();
            }
            if open.is_empty() {
                roots += 1;
            }
            elements += 1;
            if !empty {
                open.push(name);
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let content = &rest[..end];
            if open.is_empty() && !content.trim().is_empty() {
                return Err("text outside the root element".into());
            }
            for (i, _) in content.match_indices('&') {
                if !entity_ok(&content[i..]) {
                    return Err("bad entity in text".into());
                }
            }
            rest = &rest[end..];
        }
    }
    match (open.last(), roots) {
        (Some(name), _) => Err(format!("<{name}> is never closed")),
        (None, 1) => Ok(elements),
        (None, n) => Err(format!("{n} root elements")),
    }
}

#[test]
fn the_checker_finds_bad_xml() {
    assert_eq!(well_formed("<a x=\"1\"><b/>t &amp; u</a>\n"), Ok(2));
    for bad in [
        "<a><b></a></b>",
        "<a x=1/>",
        "<a>&</a>",
        "<a/><b/>",
        "<a>",
        "text<a/>",
    ] {
        assert!(well_formed(bad).is_err(), "{bad} passed");
    }
}

#[test]
fn the_contest_on_a_tiny_load() {
    let scratch = Scratch::new("echocontest");
    let chart = scratch.path("chart.svg");
    let bin_dir = Path::new(ECHOTHREAD).parent().unwrap();
    // The other parts' servers are built by `cargo test --workspace` (the
    // README's command), not by `cargo test -p part9_final` alone.
    let missing: Vec<_> = SERVERS
        .iter()
        .filter(|s| !bin_dir.join(s.bin).exists())
        .map(|s| s.bin)
        .collect();
    assert!(
        missing.is_empty(),
        "servers not built: {missing:?}; run `cargo test --workspace`, \
         or `cargo build --workspace --bins` first"
    );
    let out = run(
        ECHOCONTEST,
        &[
            "--bin-dir",
            bin_dir.to_str().unwrap(),
            "--blasters",
            "2",
            "--connections",
            "5",
            "--messages",
            "300",
            "--cap",
            "60",
            "--svg",
            chart.to_str().unwrap(),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    // One table line per server, each with its figures.
    let table: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(table.len(), 2 + SERVERS.len(), "{stdout}");
    assert!(table[0].starts_with("| server "));
    for (server, line) in SERVERS.iter().zip(&table[2..]) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(cells[1], server.name);
        assert_eq!(cells[2], "2 x 5 x 300");
        assert!(cells[3].parse::<f64>().is_ok(), "seconds in {line}");
        assert!(cells[4] != "n/a" && cells[5] != "n/a", "{line}");
        if cfg!(target_os = "linux") {
            assert!(cells[7].parse::<f64>().is_ok(), "CPU in {line}");
            assert!(cells[8].ends_with(" MiB"), "memory in {line}");
        }
        assert_eq!(cells[9], "", "a note in {line}");
    }
    let svg = std::fs::read_to_string(&chart).expect("the chart");
    // svg, title, background, two texts, then a label, bar and value
    // per server.
    assert_eq!(well_formed(&svg), Ok(5 + 3 * SERVERS.len()));
    for server in SERVERS {
        assert!(svg.contains(&format!(">{}</text>", server.name)));
    }
}
