//! What the Part 4 tests share: running a lesson with a deadline, a
//! scratch folder that is always removed, and what `buses` prints.

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long any one run may take before the test gives up on it (and
/// kills it): far more than a run needs, even in a debug build.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// What `buses` prints for `data/allroutes.xml` (Part 3 pins it too, in
/// `part3_events/tests/cmd/lessons.md`).
pub const BUSES: &str = "\
22,1056,\"North Bound\",41.78958767162086,-87.7928415188941
22,7591,\"North Bound\",41.91525650024414,-87.8072509765625
22,1554,\"North Bound\",41.69980596798316,-87.78889465332031
22,5681,\"North Bound\",41.74861145019531,-87.79097774462288
22,8049,\"North Bound\",41.74430147660806,-87.7908957915878
22,2607,\"North Bound\",41.83373260498047,-87.78941345214844
22,8184,\"North Bound\",41.715423583984375,-87.79462984371153
22,4483,\"North Bound\",41.814900399209435,-87.79483032226563
22,2423,\"North Bound\",41.9476285280267,-87.80266571044922
22,2301,\"North Bound\",41.751365661621094,-87.78647791479673
22,2552,\"North Bound\",42.00334548950195,-87.79895782470703
22,5645,\"North Bound\",41.86200835691079,-87.7919692993164
22,4819,\"North Bound\",41.870932311539086,-87.8052749633789
22,7648,\"North Bound\",41.68803405761719,-87.78526335637437
22,7700,\"North Bound\",41.740755849356034,-87.7984848022461
22,7705,\"North Bound\",41.70598344237339,-87.80685545242937
";

/// What a finished run left.
pub struct Run {
    /// Its process id.
    pub pid: u32,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `program` with `args` from the workspace root, feeding it
/// `stdin` (or nothing), and waits for it at most [`DEADLINE`]: a run
/// that takes longer is killed and the test fails.
pub fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut child = Command::new(program)
        .args(args)
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
    let read = |mut from: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut s = String::new();
            let _ = from.read_to_string(&mut s);
            s
        })
    };
    let out = read(Box::new(child.stdout.take().expect("piped")));
    let err = read(Box::new(child.stderr.take().expect("piped")));
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
        pid: child.id(),
        status,
        stdout: out.join().expect("reader"),
        stderr: err.join().expect("reader"),
    }
}

/// Whether any process is left in the process group `pgid` (`kill -0`
/// asks without sending a signal).
pub fn group_alive(pgid: u32) -> bool {
    let test = format!("kill -0 -{pgid} 2>/dev/null");
    let status = Command::new("sh").args(["-c", &test]).status();
    status.expect("cannot run sh").success()
}

/// A folder of the test's own in the temporary folder, removed when
/// dropped (a failing test too).
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        let dir = std::env::temp_dir()
            .join(format!("part4-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cannot make a scratch folder");
        Scratch(dir)
    }

    /// A file `name` in the folder holding `text`; its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text)
            .expect("cannot write in the scratch folder");
        path.to_string_lossy().into_owned()
    }

    /// An executable shell script `name` in the folder; its path.
    pub fn script(&self, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.file(name, &format!("#!/bin/sh\n{body}\n"));
        let mode = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(&path, mode)
            .expect("cannot make it executable");
        path
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The workbook's data with its buses repeated `times` times.
pub fn repeated_data(times: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let data = std::fs::read_to_string(root.join("data/allroutes.xml"))
        .expect("data/allroutes.xml");
    let start = data.find("<bus>").expect("a bus");
    let end = data.rfind("</buses>").expect("the end");
    let buses = &data[start..end];
    format!("{}{}{}", &data[..start], buses.repeat(times), &data[end..])
}
