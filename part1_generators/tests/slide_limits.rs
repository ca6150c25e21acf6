//! The slides are a deck, not a book (issue 16): every page fits about one
//! screen, its code fits a slide, and the depth goes into speaker notes.
//! This reads every page as mdBook shows it (the `{{#include}}` lines
//! replaced by the code they pull from the lessons) and fails when a page
//! breaks a limit, so the slides cannot drift back into chapters.
//!
//! Limits, outside the speaker notes (`<details>` ... `</details>`):
//! - a code block has at most 25 lines, none wider than 80 characters,
//!   no rustdoc links (`[`name`](path)` in a `///` comment) and no
//!   indent left over from the function it was cut from;
//! - a table has at most 5 columns;
//! - a page has at most 500 words on screen, and the median page 250.
//!
//! And at least 90% of the pages have speaker notes.

use std::fs;
use std::path::{Path, PathBuf};

const MAX_CODE_LINES: usize = 25;
const MAX_WIDTH: usize = 80;
const MAX_COLUMNS: usize = 5;
const MAX_WORDS: usize = 500;
const MEDIAN_WORDS: usize = 250;
const NOTES_SHARE: f64 = 0.9;

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("cannot list the slides") {
        let path = entry.expect("cannot read the slides folder").path();
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md")
            && !path.ends_with("SUMMARY.md")
        {
            out.push(path);
        }
    }
}

/// What `{{#include FILE}}`, `{{#include FILE:ANCHOR}}` or
/// `{{#include FILE:FROM:TO}}` stands for, as mdBook includes it.
fn included(page: &Path, target: &str) -> String {
    let mut parts = target.split(':');
    let file = parts.next().unwrap_or_default();
    let source = fs::read_to_string(page.parent().unwrap().join(file))
        .unwrap_or_else(|e| panic!("{}: {file}: {e}", page.display()));
    let rest: Vec<&str> = parts.collect();
    let is_anchor_line =
        |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    match rest.as_slice() {
        [] => source,
        [anchor] if anchor.parse::<usize>().is_err() => {
            let (start, end) =
                (format!("ANCHOR: {anchor}"), format!("ANCHOR_END: {anchor}"));
            let mut lines = source.lines();
            lines.by_ref().find(|l| l.trim_end().ends_with(&start));
            lines
                .take_while(|l| !l.trim_end().ends_with(&end))
                .filter(|l| !is_anchor_line(l))
                .collect::<Vec<_>>()
                .join("\n")
        }
        range => {
            let n =
                |i: usize| range.get(i).and_then(|s| s.parse::<usize>().ok());
            let from = n(0).unwrap_or(1).max(1) - 1;
            let to = n(1).unwrap_or(usize::MAX);
            let lines = source.lines().skip(from).take(to.saturating_sub(from));
            lines.collect::<Vec<_>>().join("\n")
        }
    }
}

/// A page as mdBook renders it: every include replaced.
fn expanded(page: &Path) -> String {
    let text = fs::read_to_string(page).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("{{#include ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "{{#include ".len()..];
        let end = after.find("}}").expect("an include without }}");
        out.push_str(&included(page, after[..end].trim()));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The page without its speaker notes, and whether it has any.
fn on_screen(text: &str) -> (String, bool) {
    let mut shown = String::new();
    let mut notes = false;
    let mut depth = 0_usize;
    for line in text.lines() {
        if line.trim_start().starts_with("<details") {
            depth += 1;
            notes = true;
        }
        if depth == 0 {
            shown.push_str(line);
            shown.push('\n');
        }
        if line.contains("</details>") {
            depth = depth.saturating_sub(1);
        }
    }
    (shown, notes)
}

/// What is wrong with one page's screen, and its words.
fn check(name: &str, shown: &str, problems: &mut Vec<String>) -> usize {
    let mut words = 0;
    let mut block: Option<Vec<&str>> = None;
    for line in shown.lines() {
        let fence = line.trim_start().starts_with("```");
        match (&mut block, fence) {
            (None, true) => block = Some(Vec::new()),
            (Some(code), true) => {
                check_code(name, code, problems);
                block = None;
            }
            (Some(code), false) => code.push(line),
            (None, false) => {
                // A table's separator line: |---|---|
                let columns = line.matches('|').count().saturating_sub(1);
                let separator = line.trim_start().starts_with("|-")
                    || line.trim_start().starts_with("|:");
                if separator && columns > MAX_COLUMNS {
                    problems
                        .push(format!("{name}: a table of {columns} columns"));
                }
            }
        }
        // Words: what reads as one (not `|` or `-` on its own).
        let word = |w: &&str| w.chars().any(char::is_alphanumeric);
        words += line.split_whitespace().filter(word).count();
    }
    if words > MAX_WORDS {
        problems.push(format!("{name}: {words} words on screen"));
    }
    words
}

fn check_code(name: &str, code: &[&str], problems: &mut Vec<String>) {
    if code.len() > MAX_CODE_LINES {
        problems.push(format!("{name}: a code block of {} lines", code.len()));
    }
    for line in code {
        let width = line.chars().count();
        if width > MAX_WIDTH {
            problems.push(format!("{name}: a code line of {width} characters"));
        }
        let comment = line.trim_start();
        let doc = comment.starts_with("///") || comment.starts_with("//!");
        if doc && line.contains("`]") {
            problems.push(format!("{name}: a rustdoc link: {}", line.trim()));
        }
    }
    let indent = code
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min();
    if let Some(n) = indent.filter(|&n| n > 0) {
        problems.push(format!("{name}: a code block indented by {n}"));
    }
}

#[test]
fn every_slide_fits_a_screen() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../slides/src");
    let mut files = Vec::new();
    pages(&root, &mut files);
    files.sort();
    assert!(files.len() > 20, "where are the slides?");
    let mut problems = Vec::new();
    let (mut words, mut with_notes) = (Vec::new(), 0);
    for page in &files {
        let name = page.strip_prefix(&root).unwrap().display().to_string();
        let (shown, notes) = on_screen(&expanded(page));
        with_notes += usize::from(notes);
        words.push(check(&name, &shown, &mut problems));
    }
    words.sort_unstable();
    let median = words[words.len() / 2];
    if median > MEDIAN_WORDS {
        problems.push(format!("the median page has {median} words on screen"));
    }
    let share = with_notes as f64 / files.len() as f64;
    if share < NOTES_SHARE {
        problems.push(format!(
            "{with_notes} of {} pages have speaker notes",
            files.len()
        ));
    }
    eprintln!(
        "{} pages; words on screen: median {median}, max {}; notes on {with_notes}",
        files.len(),
        words.last().unwrap()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
