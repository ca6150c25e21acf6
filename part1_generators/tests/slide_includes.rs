//! The slides show code only through `{{#include FILE:ANCHOR}}`, pulled
//! from the compiled lessons. This checks, for every slide of every part,
//! that each included file exists and each anchor is there and not empty,
//! so a renamed anchor cannot silently empty a slide.

use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("cannot list the slides") {
        let path = entry.expect("cannot read the slides folder").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, if any.
fn anchored(source: &str, name: &str) -> Option<usize> {
    let start = format!("ANCHOR: {name}");
    let end = format!("ANCHOR_END: {name}");
    let mut inside = None;
    for line in source.lines() {
        let trimmed = line.trim();
        match inside {
            None if trimmed.ends_with(&start) => inside = Some(0),
            Some(n) if trimmed.ends_with(&end) => return Some(n),
            Some(n) if !trimmed.contains("ANCHOR") => inside = Some(n + 1),
            _ => {}
        }
    }
    None
}

#[test]
fn every_include_in_the_slides_resolves() {
    let slides = Path::new(env!("CARGO_MANIFEST_DIR")).join("../slides/src");
    let mut files = Vec::new();
    markdown_files(&slides, &mut files);
    let mut checked = 0;
    let mut problems = Vec::new();
    for md in &files {
        let text = fs::read_to_string(md).unwrap();
        for piece in text.split("{{#include ").skip(1) {
            let target = piece.split("}}").next().unwrap().trim();
            let (file, anchor) = match target.rsplit_once(':') {
                Some((f, a)) if !a.chars().all(|c| c.is_ascii_digit()) => {
                    (f, Some(a))
                }
                _ => (target, None),
            };
            let path = md.parent().unwrap().join(file);
            let Ok(source) = fs::read_to_string(&path) else {
                problems.push(format!("{}: no file {file}", md.display()));
                continue;
            };
            if let Some(anchor) = anchor {
                match anchored(&source, anchor) {
                    Some(n) if n > 0 => {}
                    _ => problems
                        .push(format!("{}: no anchor {target}", md.display())),
                }
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked > 0,
        "no includes found: is the slides folder there?"
    );
}
