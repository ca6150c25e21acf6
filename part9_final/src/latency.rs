//! Round-trip latencies, kept as a histogram.
//!
//! Three blasters run as three processes, and the contest wants the
//! percentiles of all their messages together. The p99 of three p99s is
//! not the p99 of the whole, so each blaster hands over its histogram and
//! the histograms are added up. A histogram is also small: a few hundred
//! buckets instead of 100,000 samples.
//!
//! Buckets are log-linear: values below 64 ns have a bucket each; above
//! that, each power of two is cut into 64 equal buckets, so a reported
//! percentile is within 1/64 (1.6%) of the true value.

use std::fmt;
use std::time::Duration;

/// Sub-buckets per power of two, as a number of bits.
const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;

/// A histogram of durations, in nanoseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Latencies {
    counts: Vec<u64>,
    total: u64,
}

/// The bucket that holds `ns`.
fn bucket(ns: u64) -> usize {
    if ns < SUB {
        return ns as usize;
    }
    let top = 63 - ns.leading_zeros(); // the highest set bit, >= SUB_BITS
    let shift = top - SUB_BITS;
    let mantissa = ns >> shift; // in SUB..2 * SUB
    ((shift as u64 + 1) * SUB + (mantissa - SUB)) as usize
}

/// The largest value that falls in bucket `index`.
fn upper_bound(index: usize) -> u64 {
    let index = index as u64;
    if index < SUB {
        return index;
    }
    let shift = index / SUB - 1;
    let mantissa = u128::from(index % SUB + SUB);
    // The top bucket ends at u64::MAX: compute one bit wider.
    u64::try_from(((mantissa + 1) << shift) - 1).unwrap_or(u64::MAX)
}

impl Latencies {
    /// An empty histogram.
    pub fn new() -> Latencies {
        Latencies::default()
    }

    /// Counts one round trip.
    pub fn record(&mut self, took: Duration) {
        let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        let index = bucket(ns);
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Latencies) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// How many round trips were counted.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The latency that `fraction` (0.5 for the median, 0.99 for p99) of
    /// the round trips did not exceed, rounded up to its bucket's top.
    /// `None` if nothing was counted.
    pub fn percentile(&self, fraction: f64) -> Option<Duration> {
        if self.total == 0 {
            return None;
        }
        let rank =
            ((fraction * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (index, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(Duration::from_nanos(upper_bound(index)));
            }
        }
        None
    }

    /// Reads the form written by `Display`: `index:count` pairs separated
    /// by commas (`-` when empty).
    pub fn parse(text: &str) -> Option<Latencies> {
        let mut latencies = Latencies::new();
        if text == "-" {
            return Some(latencies);
        }
        for pair in text.split(',') {
            let (index, count) = pair.split_once(':')?;
            let index: usize = index.parse().ok()?;
            let count: u64 = count.parse().ok()?;
            // 64-bit values need fewer than 4,000 buckets.
            if index > 4096 {
                return None;
            }
            if index >= latencies.counts.len() {
                latencies.counts.resize(index + 1, 0);
            }
            latencies.counts[index] += count;
            latencies.total += count;
        }
        Some(latencies)
    }
}

/// The compact text form that a blaster process hands to its parent.
impl fmt::Display for Latencies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (index, &n) in self.counts.iter().enumerate() {
            if n > 0 {
                let sep = if first { "" } else { "," };
                write!(f, "{sep}{index}:{n}")?;
                first = false;
            }
        }
        if first {
            f.write_str("-")?;
        }
        Ok(())
    }
}

/// A latency for a table: microseconds below a millisecond, then
/// milliseconds.
pub fn show(latency: Option<Duration>) -> String {
    match latency {
        None => "n/a".to_string(),
        Some(d) if d < Duration::from_millis(1) => {
            format!("{} µs", d.as_micros())
        }
        Some(d) if d < Duration::from_millis(100) => {
            format!("{:.1} ms", d.as_secs_f64() * 1e3)
        }
        Some(d) => format!("{} ms", d.as_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order() {
        let mut last = 0;
        for ns in (0..100_000).chain([u64::MAX / 3, u64::MAX]) {
            let b = bucket(ns);
            assert!(b >= last, "bucket order breaks at {ns}");
            assert!(ns <= upper_bound(b), "{ns} above its bucket's top");
            if b > 0 {
                assert!(ns > upper_bound(b - 1), "{ns} in the wrong bucket");
            }
            last = b;
        }
    }

    #[test]
    fn percentiles_are_within_one_sixty_fourth_of_exact() {
        let mut samples: Vec<u64> =
            (1..=10_000u64).map(|i| i * i % 977_531 + 3).collect();
        let mut h = Latencies::new();
        for &s in &samples {
            h.record(Duration::from_nanos(s));
        }
        samples.sort();
        for p in [0.5, 0.9, 0.99, 1.0] {
            let exact = samples[(p * 10_000.0) as usize - 1] as f64;
            let got = h.percentile(p).unwrap().as_nanos() as f64;
            assert!(got >= exact && got <= exact * (1.0 + 1.0 / 64.0));
        }
    }

    #[test]
    fn merging_and_the_text_form_keep_every_count() {
        let mut a = Latencies::new();
        let mut b = Latencies::new();
        a.record(Duration::from_micros(40));
        b.record(Duration::from_micros(40));
        b.record(Duration::from_millis(3));
        let back = Latencies::parse(&b.to_string()).unwrap();
        assert_eq!(back, b);
        a.merge(&back);
        assert_eq!(a.count(), 3);
        assert_eq!(
            Latencies::parse(&Latencies::new().to_string())
                .unwrap()
                .count(),
            0
        );
        assert!(Latencies::parse("1:x").is_none());
        assert!(Latencies::parse("99999:1").is_none());
    }
}
