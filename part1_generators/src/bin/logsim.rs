//! # logsim: a live web-server log (slide 20; original: `logsim.py`)
//!
//! The data source of the live lessons (follow, pipeline, cofollow,
//! copipe, cobroadcast, cobroadcast2). Like the original it empties
//! `access-log`, then forever: sleeps a random 0 to 1 s, picks a client
//! address and a request at random from two tables, and appends one line
//! stamped with the current time, at once.
//!
//! The original's tables are 1,353 addresses and 921 requests from the
//! log of a real web server; the workbook does not copy them. Its own
//! tables below have the same shape (addresses from the ranges reserved
//! for documentation, requests for python, ply and swig pages), and
//! `--tables PATH/TO/logsim.py` reads the original's `ips` and `docs` from
//! your copy of the course's download, so that both programs choose from
//! the same lines.
//!
//! Run it in one terminal: `cargo run --bin logsim`. It writes
//! `data/access-log` until you stop it with Ctrl-C (it says so on start).
//! Then run a following lesson in another terminal, for example
//! `cargo run --bin follow`.
//!
//! Beyond the original: `--max-pause` scales the pauses (0: no pause),
//! `--lines` stops after that many lines, `--seed` repeats a run's choices
//! (not its timestamps), `--output` writes another file.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use part1_generators::{Fail, data_path};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

// Python: ips = [...] and docs = [...] (the workbook's own entries).
const IPS: [&str; 12] = [
    "192.0.2.17",
    "192.0.2.64",
    "192.0.2.130",
    "192.0.2.201",
    "198.51.100.5",
    "198.51.100.42",
    "198.51.100.77",
    "198.51.100.250",
    "203.0.113.9",
    "203.0.113.88",
    "203.0.113.144",
    "203.0.113.233",
];
const DOCS: [&str; 16] = [
    r#""GET /python/generators.html HTTP/1.1" 200 4312"#,
    r#""GET /python/coroutines/index.html HTTP/1.1" 200 9127"#,
    r#""GET /python/tutorial/slides.pdf HTTP/1.0" 206 81920"#,
    r#""GET /ply/index.html HTTP/1.1" 200 6718"#,
    r#""GET /ply/ply-2.5.tar.gz HTTP/1.0" 304 -"#,
    r#""GET /ply/example/calc.py HTTP/1.1" 200 2410"#,
    r#""GET /swig/index.html HTTP/1.1" 200 5336"#,
    r#""GET /swig/Doc/Python.html HTTP/1.1" 200 48211"#,
    r#""GET /swig/download.html HTTP/1.0" 404 -"#,
    r#""GET /index.html HTTP/1.1" 200 3052"#,
    r#""GET /training.html HTTP/1.0" 200 6154"#,
    r#""GET /favicon.ico HTTP/1.1" 404 -"#,
    r#""GET /robots.txt HTTP/1.0" 200 68"#,
    r#""GET /papers/threads.pdf HTTP/1.1" 200 102400"#,
    r#""GET /cgi-bin/wiki.pl?RecentChanges HTTP/1.1" 200 1876"#,
    r#""POST /cgi-bin/wiki.pl HTTP/1.1" 302 -"#,
];

/// Appends simulated web-server requests to a log file, like a live server.
#[derive(Parser)]
#[command(name = "logsim")]
struct Args {
    /// The log to write [default: data/access-log]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Longest pause between two lines, in seconds (0: no pause)
    #[arg(long, default_value_t = 1.0, value_parser = seconds)]
    max_pause: f64,
    /// Stop after this many lines [default: never]
    #[arg(long, short = 'n')]
    lines: Option<u64>,
    /// Seed of the random choices, to repeat a run [default: random]
    #[arg(long)]
    seed: Option<u64>,
    /// Choose from the tables of the course's logsim.py at this path
    #[arg(long, value_name = "LOGSIM_PY")]
    tables: Option<PathBuf>,
}

/// The quoted strings of the list `name = [...]` in a Python file: how
/// `--tables` reads the original's `ips` and `docs`.
fn python_list(source: &str, name: &str) -> Vec<String> {
    let start = format!("{name} = [");
    let Some(at) = source.find(&start) else {
        return Vec::new();
    };
    let body = &source[at + start.len()..];
    let body = &body[..body.find("\n]").unwrap_or(body.len())];
    body.lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| l.len() >= 2 && (l.starts_with('"') || l.starts_with('\'')))
        .map(|l| l[1..l.len() - 1].replace("\\'", "'"))
        .collect()
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected a number of seconds >= 0, got `{text}`")),
    }
}

/// `when` as the log writes it: `[25/Nov/2026:21:00:45 -0600]`.
///
/// Python: `time.strftime("[%d/%b/%Y:%H:%M:%S -0600]", time.localtime(t))`
/// writes `-0600` whatever the machine's zone; we write the time at UTC-6
/// (Chicago in winter, where the course was given), so the stamp is true.
fn date(when: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec",
    ];
    let utc = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let local = utc as i64 - 6 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date: the usual conversion through
    // 400-year eras of 146,097 days, with years starting in March.
    let z = days + 719_468;
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + z.div_euclid(146_097) * 400 + i64::from(month <= 2);
    format!(
        "[{day:02}/{}/{year}:{:02}:{:02}:{:02} -0600]",
        MONTHS[month as usize - 1],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let path = args.output.unwrap_or_else(|| data_path("access-log"));
    let (ips, docs): (Vec<String>, Vec<String>) = match &args.tables {
        None => (
            IPS.map(String::from).to_vec(),
            DOCS.map(String::from).to_vec(),
        ),
        Some(py) => {
            let source = std::fs::read_to_string(py).map_err(|e| {
                Fail::new(format!("cannot read {}: {e}", py.display()))
            })?;
            let tables =
                (python_list(&source, "ips"), python_list(&source, "docs"));
            if tables.0.is_empty() || tables.1.is_empty() {
                return Err(Fail::new(format!(
                    "{} has no `ips = [...]` and `docs = [...]` lists (is it logsim.py?)",
                    py.display()
                )));
            }
            tables
        }
    };
    let cannot = |e: std::io::Error| {
        Fail::new(format!("cannot write {}: {e}", path.display()))
    };

    let mut f = File::create(&path).map_err(cannot)?;
    eprintln!(
        "logsim: writing a request every 0-{} s to {} (emptied first); Ctrl-C stops",
        args.max_pause,
        path.display()
    );
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut random = StdRng::seed_from_u64(seed);
    for _ in 0..args.lines.unwrap_or(u64::MAX) {
        let pause = random.random::<f64>() * args.max_pause;
        std::thread::sleep(Duration::from_secs_f64(pause));
        let n = random.random_range(0..ips.len());
        let m = random.random_range(0..docs.len());
        let line =
            format!("{} - - {} {}\n", ips[n], date(SystemTime::now()), docs[m]);
        // One write a line (Python: print, then f.flush()), so a follower
        // never sees half of one.
        f.write_all(line.as_bytes()).map_err(cannot)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_like_the_course_log() {
        // 2026-11-26T03:00:45Z is 21:00:45 on the 25th at UTC-6.
        let t = UNIX_EPOCH + Duration::from_secs(1_795_662_045);
        assert_eq!(date(t), "[25/Nov/2026:21:00:45 -0600]");
        assert_eq!(date(UNIX_EPOCH), "[31/Dec/1969:18:00:00 -0600]");
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_825_600 + 6 * 3600);
        assert_eq!(date(leap_day), "[29/Feb/2000:12:00:00 -0600]");
    }

    #[test]
    fn the_tables_match_the_grep_lessons() {
        for word in ["python", "ply", "swig"] {
            assert!(DOCS.iter().any(|d| d.contains(word)), "{word}");
        }
        assert!(DOCS.iter().any(|d| !d.contains("python")));
    }

    #[test]
    fn python_lists_are_read_from_a_script() {
        let source = "x = 1\nips = [\n    \"10.0.0.1\",\n    \"10.0.0.2\",\n]\n\
                      docs = [\n    '\"GET / HTTP/1.0\" 200 5',\n]\nf = open()\n";
        assert_eq!(python_list(source, "ips"), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(python_list(source, "docs"), [r#""GET / HTTP/1.0" 200 5"#]);
        assert!(python_list(source, "other").is_empty());
    }
}
