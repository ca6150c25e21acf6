//! The readers stream: they read a pipe as they read a file, and an input
//! that never ends stops them with a one-line error, in bounded memory,
//! instead of growing until the machine runs out.
//!
//! The lessons read `/dev/stdin`, fed through a pipe by a thread of the
//! test, under a limit of address space (`ulimit -v`, through `sh`): 64
//! MiB for endless inputs, 10 MiB for 12 MB of buses. A reader that kept
//! what it read would fail to allocate there, and abort, rather than say
//! what is wrong or print the buses.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The bus lessons, each a different way of reading the file.
const READERS: [&str; 6] = [
    env!("CARGO_BIN_EXE_basicsax"),
    env!("CARGO_BIN_EXE_cosax"),
    env!("CARGO_BIN_EXE_buses"),
    env!("CARGO_BIN_EXE_coexpat"),
    env!("CARGO_BIN_EXE_cxmlparse"),
    env!("CARGO_BIN_EXE_iterbus"),
];

/// Runs `program /dev/stdin` under a 64 MiB address-space limit, writes
/// `head` into its standard input, then `body` again and again until it
/// stops reading (or `head` alone, then the end, if `body` is empty).
/// Returns its exit code, its output and what it said on standard error.
fn feed(program: &str, head: &[u8], body: &[u8]) -> (i32, String, String) {
    feed_within(65536, program, head, body)
}

/// [`feed`], under a limit of `kib` KiB of address space.
fn feed_within(
    kib: u32,
    program: &str,
    head: &[u8],
    body: &[u8],
) -> (i32, String, String) {
    let script = format!("ulimit -v {kib} && exec \"$0\" /dev/stdin");
    let mut child = Command::new("sh")
        .args(["-c", &script, program])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run sh");
    let mut stdin = child.stdin.take().expect("no pipe to the lesson");
    let (head, body) = (head.to_vec(), body.repeat(4096));
    // Writing fails once the lesson has exited (a broken pipe).
    let writer = thread::spawn(move || {
        if stdin.write_all(&head).is_ok() && !body.is_empty() {
            while stdin.write_all(&body).is_ok() {}
        }
    });
    // Read as the lesson writes, so that it never waits for us.
    let drain = |mut from: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            from.read_to_string(&mut text)
                .expect("cannot read the lesson");
            text
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("no stdout")));
    let err = drain(Box::new(child.stderr.take().expect("no stderr")));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("cannot wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} still reads an endless input after 60 s");
        }
        thread::sleep(Duration::from_millis(10));
    };
    writer.join().expect("the writer panicked");
    let out = out.join().expect("the reader of stdout panicked");
    let err = err.join().expect("the reader of stderr panicked");
    (status.code().unwrap_or(-1), out, err)
}

#[test]
fn an_element_whose_text_never_ends() {
    for program in READERS {
        let (code, _, err) = feed(program, b"<buses><bus><id>", b"1485 ");
        assert_eq!(code, 1, "{program}: {err}");
        assert_eq!(
            err,
            "Error: /dev/stdin:byte 16: more than 10 MB without a tag \
             (is the input endless?)\n",
            "{program}"
        );
    }
}

#[test]
fn an_endless_input_that_is_not_xml() {
    // `yes | buses /dev/stdin`: text before any element, without end.
    let (code, _, err) = feed(env!("CARGO_BIN_EXE_buses"), b"", b"y\n");
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "Error: /dev/stdin:1:1: more than 10 MB without a tag \
         (is the input endless?)\n"
    );
    // `buses /dev/zero` through a pipe: stopped at the first byte.
    let (code, _, err) = feed(env!("CARGO_BIN_EXE_coexpat"), b"", b"\0");
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "Error: /dev/stdin:1:1: not well-formed (invalid token)\n"
    );
}

#[test]
fn elements_that_open_without_end() {
    let (code, _, err) = feed(env!("CARGO_BIN_EXE_iterbus"), b"", b"<a>");
    assert_eq!(code, 1, "{err}");
    // 1 MiB of names, one byte each, then one more: at 3 * (2^20 + 1).
    assert_eq!(
        err,
        "Error: /dev/stdin:byte 3145731: nested too deep \
         (names of over 1 MiB)\n"
    );
}

#[test]
fn memory_stays_flat_with_the_size_of_the_input() {
    // 12 MB of buses through a pipe, read within 10 MiB of address space
    // (the loop of iterbus; the other lessons read through the same
    // parser, and take longer in a debug build).
    let bus = "<bus><id>1485</id><route>22</route>\
        <direction>North Bound</direction><latitude>41.88</latitude>\
        <longitude>-87.62</longitude><pattern>5342</pattern></bus>\n";
    let count = 12_000_000 / bus.len();
    let input = format!("<buses>\n{}</buses>\n", bus.repeat(count));
    let iterbus = env!("CARGO_BIN_EXE_iterbus");
    let (code, out, err) = feed_within(10240, iterbus, input.as_bytes(), b"");
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out.lines().count(), count);
}

#[test]
fn a_pipe_is_read_as_a_file_is() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let onebus = std::fs::read(format!("{data}onebus.xml")).expect("onebus");
    for program in READERS {
        let from_file = Command::new(program)
            .arg(format!("{data}onebus.xml"))
            .output()
            .expect("cannot run the lesson");
        let (code, out, err) = feed(program, &onebus, b"");
        assert_eq!((code, err.as_str()), (0, ""), "{program}");
        assert_eq!(out.as_bytes(), from_file.stdout, "{program}");
    }
}

#[test]
fn an_error_in_a_pipe_names_the_byte() {
    // A pipe cannot be read again to count lines: the error gives the
    // byte where a file would give the line and column (16:1).
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let unclosed = std::fs::read(format!("{data}unclosed.xml")).expect("file");
    let (code, _, err) = feed(env!("CARGO_BIN_EXE_iterbus"), &unclosed, b"");
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "Error: /dev/stdin:byte 343: ill-formed document: \
         expected `</bus>`, but `</buses>` was found\n"
    );
}

/// A U+FFFE (bytes EF BF BE), which XML does not allow, is found where
/// the parser's 64 KiB reads cut it in two as well as elsewhere; U+FF21
/// (EF BC A1), which XML allows, passes wherever it falls.
#[test]
fn a_character_cut_by_a_read_is_checked_whole() {
    let dir =
        std::env::temp_dir().join(format!("part3-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let head = "<?xml version=\"1.0\"?>\n<buses>\n<bus><id>";
    for at in [100, 65533, 65534, 65535, 65536] {
        let pad = "x".repeat(at - head.len());
        let bad = format!("{head}{pad}\u{fffe}</id></bus>\n</buses>\n");
        let path = dir.join(format!("fffe-{at}.xml"));
        std::fs::write(&path, bad).unwrap();
        for reader in READERS {
            let out = Command::new(reader).arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{reader} {at}: {stderr}");
            assert!(stderr.contains("not well-formed (invalid token)"));
        }
    }
    let good = format!("<buses>{}</buses>", "\u{ff21}".repeat(60_000));
    let path = dir.join("ff21.xml");
    std::fs::write(&path, good).unwrap();
    for reader in READERS {
        let out = Command::new(reader).arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{reader}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
