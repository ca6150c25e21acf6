//! # compare: the workbook against the course's Python originals
//!
//! A tool, not a lesson. Point it at a folder holding the course's Python
//! scripts: it lists every lesson of the workspace, runs each one that
//! can be compared both ways (`python3 NAME.py` and our binary `NAME`),
//! and says whether they behave alike, or why it cannot tell.
//!
//! Run it: `cargo run --release --bin compare -- PATH/TO/PYTHON/SCRIPTS`.
//! It first builds every lesson (`cargo build --release --workspace
//! --bins`), then runs them in course order (about 20 s). How:
//! - most lessons run to their end (pyos2, which runs forever: its first
//!   20 lines); ours reads the `.xml` file the script names;
//! - the live lessons follow a log that compare writes: both programs
//!   get the same lines, in the same order, while they run;
//! - the servers get the same client session (three clients, one of
//!   which closes while the others stay): their replies and their log
//!   lines are compared, the clients' port numbers and the `I'm alive!`
//!   lines aside.
//!
//! The Python scripts run unchanged, through a few lines of Python that
//! make a server listen on a free port of 127.0.0.1 instead of 45000, and
//! open compare's log where a script opens its own (`access-log`). Python
//! writes no bytecode: nothing is written into the Python folder. Where an
//! original needs what python3 lacks (the course's C extension, Twisted),
//! the row says so, and gives the one command that supplies it.
//!
//! Verdicts: `same bytes`; `same lines` (equal once spaces at the ends of
//! lines are ignored: several Python 3 scripts print with `end=" "`, which
//! LESSONS.md lets us print as whole lines); `DIFFERENT` and the first
//! line that differs; or `not comparable` and why. It exits with 1 if any
//! lesson differs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;

/// Every lesson (the binaries in each crate's `src/bin/`), in course order.
const LESSONS: &str = "countdown grep follow pipeline logsim coroutine
    grepclose bogus throw cofollow copipe cobroadcast cobroadcast2 benchmark
    basicsax cosax buses coexpat cxmlparse iterbus cothread coprocess busproc
    cocrash pyos1 pyos2 taskcrash pyos3 pyos4 pyos5 pyos6 echobad pyos7
    echogood echogood2 trampoline pyos8 echoserver sockwrap echoserver2
    twistedecho echostackful echothread blaster runblaster";

/// How a lesson is compared.
enum How {
    /// Both run to their end, or for their first lines (pyos2 runs
    /// forever). Ours reads the `.xml` file the script names.
    End(usize),
    /// Both follow a log that compare writes.
    Live,
    /// Both are servers: the same client session against each.
    Server,
    /// Not comparable, and why.
    Not(&'static str),
}
use How::*;

/// How the lessons are compared that do not run to their end.
const HOW: &[(&str, How)] = &[
    ("follow pipeline cofollow copipe cobroadcast", Live),
    ("cobroadcast2", Live),
    ("echobad echogood echogood2 echoserver echoserver2", Server),
    ("twistedecho echothread", Server),
    ("pyos2", End(20)),
    ("logsim", Not("it writes random lines at random times")),
    ("throw echostackful", Not("no original")),
    ("benchmark runblaster", Not("it prints timings")),
    ("busproc", Not("it reads what coprocess sends")),
    ("cocrash", Not("its threads race (and Rust refuses it)")),
    ("pyos8", Not("pyos8.py has no example (echoserver runs it)")),
    ("blaster", Not("it needs a server (echocontest runs it)")),
];

/// Modules two originals need that python3 may lack, and how to get them.
const NEEDS: [(&str, &str); 2] = [("cxmlparse", CXML), ("twisted", TWISTED)];
const CXML: &str = "the C extension is not built: cd {folder} && python3 setup.py build_ext --inplace";
const TWISTED: &str =
    "twistedecho.py needs Twisted: python3 -m pip install twisted";

/// Runs a Python original unchanged, but for two things: a socket bound
/// to port 45000 binds $COMPARE_PORT of 127.0.0.1 instead, and a file
/// named like a log (`access-log`) is $COMPARE_LOG.
const PY: &str = r#"import builtins, os, socket, sys
script, env, real, bind = sys.argv[1], os.environ.get, open, socket.socket.bind
sys.argv, sys.path[0] = [script], os.path.dirname(script)
builtins.open = lambda f, *a: real(env("COMPARE_LOG") if "log" in f else f, *a)
free = ("127.0.0.1", int(env("COMPARE_PORT", 0)))
socket.socket.bind = lambda s, a: bind(s, free if a[1:] == (45000,) else a)
exec(compile(real(script).read(), script, "exec"), {"__name__": "__main__"})"#;

/// A verdict, or an output; or why there is none.
type Text = Result<String, Fail>;
type Two = Result<(String, String), Fail>;

/// A little time: between two lines of the log, or of the server's log.
const TICK: Duration = Duration::from_millis(100);

/// Lists every lesson and compares it with its Python original.
#[derive(Parser)]
#[command(name = "compare")]
struct Args {
    /// Folder holding the course's Python scripts (countdown.py, ...)
    python_dir: PathBuf,
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let dir = args.python_dir.canonicalize().map_err(|e| {
        Fail::new(format!("cannot use {}: {e}", args.python_dir.display()))
    })?;
    // Every lesson, built in release mode.
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    eprintln!("building every lesson (cargo build --release --bins) ...");
    let mut build = Command::new(cargo);
    build.args(["build", "--release", "--quiet", "--workspace", "--bins"]);
    if !build.current_dir(root).status()?.success() {
        return Err(Fail::new("cargo build failed"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from);
    let bin_dir = target.unwrap_or(root.join("target")).join("release");
    // The live lessons' log, removed at the end.
    let log = std::env::temp_dir()
        .join(format!("compare-{}.log", std::process::id()));
    let mut differ = 0;
    println!("{:<14} verdict", "lesson");
    for name in LESSONS.split_whitespace() {
        let verdict = compare(name, &dir, &bin_dir.join(name), &log);
        let verdict = verdict.unwrap_or_else(|e| format!("{e:?}"));
        differ += usize::from(verdict.starts_with("DIFFERENT"));
        println!("{name:<14} {verdict}");
    }
    let _ = std::fs::remove_file(&log);
    match differ {
        0 => Ok(()),
        _ => Err(Fail::new(format!("{differ} lesson(s) differ"))),
    }
}

/// Runs one lesson both ways: the verdict, or why it could not be made.
fn compare(name: &str, dir: &Path, ours: &Path, log: &Path) -> Text {
    let how = HOW.iter().find(|(n, _)| n.split(' ').any(|n| n == name));
    let how = how.map_or(&End(usize::MAX), |(_, how)| how);
    let script = match name {
        "cxmlparse" => dir.join("cxml/test.py"),
        _ => dir.join(format!("{name}.py")),
    };
    let folder = script.parent().unwrap_or(dir);
    let source = std::fs::read_to_string(&script).unwrap_or_default();
    let missing = NEEDS.iter().find(|(module, _)| {
        let import = format!("import {module}");
        let mut python = Command::new("python3");
        python.args(["-c", &import]).current_dir(folder);
        python.stderr(Stdio::null());
        source.contains(module) && !python.status().is_ok_and(|s| s.success())
    });
    if let Not(why) = how {
        return Ok(format!("not comparable: {why}"));
    } else if source.is_empty() {
        return Ok(format!("not comparable: no {}", script.display()));
    } else if let Some((_, why)) = missing {
        let why = why.replace("{folder}", &folder.to_string_lossy());
        return Ok(format!("not comparable: {why}"));
    }
    let mut python = Command::new("python3");
    python.args(["-B", "-u", "-c", PY]).arg(&script);
    python.env("COMPARE_LOG", log);
    let mut rust = Command::new(ours);
    let (python, rust) = (python.current_dir(folder), rust.current_dir(folder));
    let (p, r) = match how {
        End(n) => {
            rust.args(source.split('"').find(|s| s.ends_with(".xml")));
            (run(python, *n)?, run(rust, *n)?)
        }
        Live => live(python, rust.arg(log), log)?,
        Server => (session(python)?, session(rust)?),
        Not(_) => unreachable!("answered above"),
    };
    Ok(verdict(&p, &r, matches!(how, End(usize::MAX) | Live)))
}

/// A program compare started, its output's lines arriving on `.1` (but
/// echogood's endless `I'm alive!`). It is killed and reaped when dropped.
struct Program(Child, Receiver<String>);

impl Drop for Program {
    fn drop(&mut self) {
        let _ = (self.0.kill(), self.0.wait());
    }
}

fn start(command: &mut Command) -> Result<Program, Fail> {
    let program = format!("{:?}", command.get_program());
    let child = command.stdin(Stdio::null()).stderr(Stdio::null());
    let child = child.stdout(Stdio::piped()).spawn();
    let mut child = child.map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut out = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let lines = std::iter::from_fn(move || {
        let mut line = String::new();
        matches!(out.read_line(&mut line), Ok(1..)).then_some(line)
    });
    let mut lines = lines.filter(|line| line != "I'm alive!\n");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || lines.try_for_each(|line| tx.send(line)));
    Ok(Program(child, rx))
}

/// The lines a program prints until it ends, or prints none for `wait`,
/// or prints its `count`th, or compare's end mark.
fn collect(program: &Program, wait: Duration, count: usize) -> String {
    let mut out = String::new();
    for line in (0..count).map_while(|_| program.1.recv_timeout(wait).ok()) {
        out += &line;
        if line.contains("compare: end") {
            break;
        }
    }
    out
}

/// Runs a program to its end, or for its first `lines`: its output.
fn run(command: &mut Command, lines: usize) -> Text {
    Ok(collect(&start(command)?, Duration::from_secs(20), lines))
}

/// Starts both followers of `log`, appends the same lines to it, and
/// returns what each printed of those lines.
fn live(python: &mut Command, rust: &mut Command, log: &Path) -> Two {
    let (begin, end) = ("compare: begin python\n", "compare: end python\n");
    let mut file = std::fs::File::create(log)?;
    let mut write = |line: &str| file.write_all(line.as_bytes());
    let programs = [start(python)?, start(rust)?];
    for program in &programs {
        // It goes to the end of the log when it starts: a mark is written
        // until it prints one (10 s at most).
        for _ in (0..100).take_while(|_| collect(program, TICK, 1).is_empty()) {
            write(begin)?;
        }
    }
    let paths = ["python/", "ply/", "swig/", "index.html", "python/ply/"];
    for (i, path) in paths.iter().enumerate() {
        std::thread::sleep(TICK / 4);
        write(&format!("192.0.2.{i} - - \"GET /{path}\" 200 {i}\n"))?;
    }
    write(end)?;
    let [p, r] = programs.map(|program| {
        let out = collect(&program, Duration::from_secs(5), usize::MAX);
        // What it printed after the last mark, and before the end mark.
        let after = out.rsplit(begin).next().unwrap_or_default();
        after.strip_suffix(end).unwrap_or(after).to_string()
    });
    Ok((p, r))
}

/// Runs the same client session against a server: three clients, one of
/// which closes. Returns their replies, then the server's output (each
/// client's port number as `PORTn`).
fn session(server: &mut Command) -> Text {
    let addr = TcpListener::bind("127.0.0.1:0")?.local_addr()?; // free
    let port = addr.port().to_string();
    // The port: our servers' option, and the Python wrapper's variable.
    server.args(["--port", &port]).env("COMPARE_PORT", &port);
    let server = start(server)?;
    let (mut clients, mut out) = (Vec::new(), String::new());
    let steps = [(0, "a"), (1, "b"), (0, "c"), (0, ""), (1, "d"), (2, "e")];
    for (i, line) in steps {
        // The server may not listen yet: tries for 10 s.
        if i == clients.len() {
            // The server may not listen yet: tries for 10 s.
            let mut tries = (0..100).map(|_| std::thread::sleep(TICK));
            let client = tries.find_map(|()| TcpStream::connect(addr).ok());
            clients.push(client.ok_or("the server did not start")?);
        }
        let mut client = &clients[i];
        let _ = client.set_read_timeout(Some(Duration::from_secs(1)));
        if line.is_empty() {
            let _ = client.shutdown(Shutdown::Both);
            out += &format!("client {i} closes\n");
            continue;
        }
        let _ = client.write_all(format!("{line}\n").as_bytes());
        let mut reply = String::new();
        let _ = client.take(2).read_to_string(&mut reply);
        out += &format!("client {i} sends {line:?}, gets {reply:?}\n");
    }
    let mut log = collect(&server, 3 * TICK, usize::MAX);
    for (i, client) in clients.iter().enumerate() {
        let port = client.local_addr()?.port();
        log = log.replace(&port.to_string(), &format!("PORT{i}"));
    }
    Ok(out + &log)
}

/// `same bytes` (`whole`: the programs' whole output), `same lines`
/// (spaces at the ends of lines aside), or `DIFFERENT` from a line.
fn verdict(python: &str, rust: &str, whole: bool) -> String {
    let (p, r) = (lines(python), lines(rust));
    if whole && python.is_empty() && rust.is_empty() {
        "same bytes: both print nothing".into()
    } else if whole && python == rust {
        "same bytes".into()
    } else if p == r && !r.is_empty() {
        "same lines".into()
    } else {
        let i = p.iter().zip(&r).take_while(|(p, r)| p == r).count();
        let at = |v: &[String]| v.get(i).cloned().unwrap_or("nothing".into());
        let (n, p, r) = (i + 1, at(&p), at(&r));
        format!("DIFFERENT from line {n}: python {p}, rust {r}")
    }
}

/// Each line, without the spaces at its ends, quoted; the empty lines at
/// the end aside.
fn lines(text: &str) -> Vec<String> {
    let lines = text.trim_end().lines();
    lines.map(|line| format!("{:?}", line.trim())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(verdict("a\nb\n", "a\nb\n", true), "same bytes");
        assert_eq!(verdict("", "", true), "same bytes: both print nothing");
        // Python 3's `end=" "`, printed as whole lines by the workbook.
        assert_eq!(verdict("a\n b\n ", "a\nb\n", true), "same lines");
        assert_eq!(verdict("a\nb\n", "a\nb\n", false), "same lines");
        assert_eq!(
            verdict("a\nb\n", "a\nc\n", true),
            r#"DIFFERENT from line 2: python "b", rust "c""#
        );
        assert_eq!(
            verdict("", "", false),
            "DIFFERENT from line 1: python nothing, rust nothing"
        );
    }

    #[test]
    fn every_lesson_is_listed_once() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let mut bins = Vec::new();
        for part in std::fs::read_dir(root).unwrap().flatten() {
            let Ok(files) = std::fs::read_dir(part.path().join("src/bin"))
            else {
                continue;
            };
            for file in files.flatten() {
                let name = file.path().file_stem().unwrap().to_owned();
                bins.push(name.into_string().unwrap());
            }
        }
        let mut listed: Vec<&str> = LESSONS.split_whitespace().collect();
        bins.sort();
        listed.sort();
        assert_eq!(listed, bins);
        for name in HOW.iter().flat_map(|(names, _)| names.split(' ')) {
            assert!(listed.contains(&name), "{name} is no lesson");
        }
    }

    /// A folder of made-up originals, removed at the end.
    struct Scripts(PathBuf);

    impl Drop for Scripts {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    impl Scripts {
        fn new(test: &str, scripts: &[(&str, &str)]) -> Scripts {
            let id = format!("compare-{test}-{}", std::process::id());
            let dir = Scripts(std::env::temp_dir().join(id));
            std::fs::create_dir_all(&dir.0).unwrap();
            for (name, code) in scripts {
                std::fs::write(dir.0.join(name), code).unwrap();
            }
            dir
        }

        /// The script run as compare runs an original.
        fn python(&self, script: &str) -> Command {
            let mut python = Command::new("python3");
            python.args(["-B", "-u", "-c", PY]).arg(self.0.join(script));
            python
        }
    }

    /// An echo server written as the course's are: on port 45000, and
    /// saying when a client comes and goes.
    const ECHO: &str = "import socketserver
class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        print('Connection from', self.client_address)
        while data := self.request.recv(100):
            self.request.sendall(data)
        print('Client closed')
socketserver.ThreadingTCPServer(('', 45000), Handler).serve_forever()";

    #[test]
    fn servers_get_the_same_session() {
        let quiet = ECHO.replace("print('Client closed')", "pass");
        let dir =
            Scripts::new("session", &[("echo.py", ECHO), ("quiet.py", &quiet)]);
        let echo = session(&mut dir.python("echo.py")).unwrap();
        assert!(
            echo.contains("client 2 sends \"e\", gets \"e\\n\""),
            "{echo}"
        );
        assert!(
            echo.contains("Connection from ('127.0.0.1', PORT1)"),
            "{echo}"
        );
        let again = session(&mut dir.python("echo.py")).unwrap();
        assert_eq!(verdict(&echo, &again, false), "same lines");
        let quiet = session(&mut dir.python("quiet.py")).unwrap();
        assert_eq!(
            verdict(&echo, &quiet, false),
            r#"DIFFERENT from line 9: python "Client closed", rust "Connection from ('127.0.0.1', PORT2)""#
        );
    }

    /// A follower written as the course's are: it reads `access-log`.
    const FOLLOW: &str = "import time
f = open('access-log')
f.seek(0, 2)
while True:
    line = f.readline()
    if line:
        print(line, end=' ')
    else:
        time.sleep(0.1)";

    #[test]
    fn followers_get_the_same_lines() {
        let dir = Scripts::new("live", &[("follow.py", FOLLOW)]);
        let log = dir.0.join("test.log");
        let mut python = dir.python("follow.py");
        let mut tail = Command::new("tail");
        tail.args(["-n", "0", "-f"]).arg(&log);
        let (p, r) =
            live(python.env("COMPARE_LOG", &log), &mut tail, &log).unwrap();
        assert_eq!(verdict(&p, &r, true), "same lines");
        assert_eq!(r.lines().count(), 5, "{r}");
        assert!(
            r.starts_with("192.0.2.0 - - \"GET /python/\" 200 0\n"),
            "{r}"
        );
    }
}
