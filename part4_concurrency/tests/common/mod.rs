//! What the Part 4 tests share: running a lesson with a deadline, and
//! what `buses` prints (the reference every boundary must reproduce).

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use part1_generators::Target;
use part3_events::buses::{
    bus_locations_into, buses_to_dicts, filter_on_field,
};
use part3_events::sax::{self, EventHandler};

/// How long any one run may take before the test gives up on it (and
/// kills it): far more than a run needs, even in a debug build on a busy
/// machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// What a finished run left.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `program` with `args` from the workspace root, feeding it
/// `stdin` (or nothing), and waits for it at most [`DEADLINE`]: a run
/// that takes longer is killed and the test fails.
pub fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_with_env(program, args, stdin, &[])
}

/// [`run`], with variables added to the program's environment.
pub fn run_with_env(
    program: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Run {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let input = stdin.map(<[u8]>::to_vec);
    let mut pipe = child.stdin.take();
    let feeder = thread::spawn(move || {
        if let (Some(pipe), Some(input)) = (pipe.as_mut(), input) {
            let _ = pipe.write_all(&input);
        }
    });
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cannot wait") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} did not end within {DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let _ = feeder.join();
    Run {
        status,
        stdout: out.join().expect("reader"),
        stderr: err.join().expect("reader"),
    }
}

/// What `buses` prints for the file at `path` (relative to the workspace
/// root): Part 3's pipeline, in this process.
pub fn buses_output(path: &str) -> String {
    #[derive(Clone, Default)]
    struct Out(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Out {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Out::default();
    let mut handler = EventHandler::new(buses_to_dicts(filter_on_field(
        "route",
        "22",
        filter_on_field(
            "direction",
            "North Bound",
            bus_locations_into(out.clone()),
        ),
    )));
    sax::parse(root.join(path), &mut handler).expect("the file parses");
    handler.into_target().close().expect("the pipeline closes");
    let bytes = out.0.borrow().clone();
    String::from_utf8(bytes).expect("UTF-8")
}
