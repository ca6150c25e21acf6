//! # logsim: a live web-server log (slide 20; original: `logsim.py`)
//!
//! The data source of the live lessons (follow, pipeline, cofollow,
//! copipe, cobroadcast, cobroadcast2). Like the original it empties
//! `access-log`, then forever: sleeps a random 0 to 1 s, picks a client
//! address and a request at random from the original's two tables (1,353
//! addresses and 921 requests of a real server's log, kept in
//! `data/logsim-ips.txt` and `data/logsim-docs.txt`), and appends one line
//! stamped with the current time, at once.
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

// Python: ips = [...] and docs = [...], one entry a line here.
const IPS: &str = include_str!("../../../data/logsim-ips.txt");
const DOCS: &str = include_str!("../../../data/logsim-docs.txt");

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
    let ips: Vec<&str> = IPS.lines().collect();
    let docs: Vec<&str> = DOCS.lines().collect();
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
    fn the_tables_are_the_originals() {
        assert_eq!(IPS.lines().count(), 1353);
        assert_eq!(DOCS.lines().count(), 921);
        assert!(DOCS.lines().all(|d| d.starts_with('"')));
    }
}
