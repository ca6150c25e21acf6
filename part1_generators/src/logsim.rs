//! Synthetic web-server log lines: the data source of the live lessons.
//!
//! The course's `logsim.py` replays a real server's requests. The workbook
//! makes its own: random client addresses and requests drawn from a small
//! site with a Python section, a PLY section and a SWIG section, so that
//! `grep python`, `grep ply` and `grep swig` all find something.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

/// The site's pages. `{n}` is replaced by a small number.
const PAGES: &[&str] = &[
    "/",
    "/index.html",
    "/favicon.ico",
    "/python/",
    "/python/tutorial/intro/slide{n}.html",
    "/python/tutorial/advanced/slide{n}.html",
    "/python/generators.pdf",
    "/python/coroutines.pdf",
    "/ply/",
    "/ply/index.html",
    "/ply/ply-{n}.tar.gz",
    "/ply/example/calc.py",
    "/swig/",
    "/swig/Doc/Manual{n}.html",
    "/swig/swig-1.3.{n}.tar.gz",
    "/swig/python/wrapping{n}.html",
    "/ply/python/yacc{n}.py",
    "/cgi-bin/wiki.pl?Page{n}",
    "/papers/usenix{n}.pdf",
    "/photos/trip/img_{n}.jpg",
    "/courses/assign{n}.html",
    "/robots.txt",
];

/// Status codes, weighted towards success.
const STATUSES: &[u16] =
    &[200, 200, 200, 200, 200, 200, 304, 304, 404, 403, 301];

/// A seeded source of log lines.
pub struct LogSim {
    rng: StdRng,
}

impl LogSim {
    /// A simulator whose lines depend only on `seed` (and the clock).
    pub fn new(seed: u64) -> LogSim {
        LogSim {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// One log line for a request made at `when`, without line ending.
    pub fn line(&mut self, when: SystemTime) -> String {
        let rng = &mut self.rng;
        let ip = format!(
            "{}.{}.{}.{}",
            rng.random_range(1..=223),
            rng.random_range(0..=255),
            rng.random_range(0..=255),
            rng.random_range(1..=254)
        );
        let page = PAGES.choose(rng).copied().unwrap_or("/");
        let page = page.replace("{n}", &rng.random_range(1..=60).to_string());
        let method = if page.starts_with("/cgi-bin") && rng.random_bool(0.3) {
            "POST"
        } else {
            "GET"
        };
        let version = if rng.random_bool(0.7) { "1.1" } else { "1.0" };
        let status = STATUSES.choose(rng).copied().unwrap_or(200);
        let size = match status {
            304 => "-".to_string(),
            404 => "133".to_string(),
            _ => rng.random_range(200..200_000).to_string(),
        };
        format!(
            "{ip} - - {} \"{method} {page} HTTP/{version}\" {status} {size}",
            log_time(when)
        )
    }

    /// A pause before the next line: uniform between 0 and `max` seconds,
    /// as in the original.
    pub fn pause(&mut self, max: f64) -> f64 {
        if max <= 0.0 {
            0.0
        } else {
            self.rng.random_range(0.0..max)
        }
    }
}

/// Formats `when` the way the course's log does, in Chicago standard time
/// (UTC-6, where the course was given): `[25/Nov/2026:15:00:45 -0600]`.
pub fn log_time(when: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec",
    ];
    let utc = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let local = utc as i64 - 6 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "[{day:02}/{}/{year}:{:02}:{:02}:{:02} -0600]",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Year, month (1-12) and day of the month of the day `days` after
/// 1970-01-01, in the proleptic Gregorian calendar. This is the standard
/// era-based conversion (400-year cycles of 146,097 days).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March
    let mp = (5 * doy + 2) / 153; // month from March, 0..11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_time_like_the_course() {
        // 2026-11-26T03:00:45Z is 21:00:45 on the 25th in Chicago.
        let t = UNIX_EPOCH + Duration::from_secs(1_795_662_045);
        assert_eq!(log_time(t), "[25/Nov/2026:21:00:45 -0600]");
        assert_eq!(log_time(UNIX_EPOCH), "[31/Dec/1969:18:00:00 -0600]");
        // A leap day.
        let leap = UNIX_EPOCH + Duration::from_secs(951_825_600 + 6 * 3600);
        assert_eq!(log_time(leap), "[29/Feb/2000:12:00:00 -0600]");
    }

    #[test]
    fn same_seed_same_lines() {
        let t = UNIX_EPOCH;
        let a: Vec<_> = (0..50).map(|_| LogSim::new(7).line(t)).collect();
        let b: Vec<_> = (0..50).map(|_| LogSim::new(7).line(t)).collect();
        assert_eq!(a, b);
        let mut sim = LogSim::new(7);
        let c: Vec<_> = (0..50).map(|_| sim.line(t)).collect();
        assert_ne!(c[0], c[1]);
    }

    #[test]
    fn every_grep_lesson_finds_something() {
        let mut sim = LogSim::new(1);
        let lines: Vec<_> = (0..200).map(|_| sim.line(UNIX_EPOCH)).collect();
        for word in ["python", "ply", "swig"] {
            assert!(lines.iter().any(|l| l.contains(word)), "no {word}");
        }
        let shape = lines[0].split(' ').collect::<Vec<_>>();
        assert_eq!(shape[1..3], ["-", "-"]);
        assert!(shape[3].starts_with('[') && shape[4] == "-0600]");
    }
}
