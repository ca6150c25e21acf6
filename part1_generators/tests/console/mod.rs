//! Runs the slides' `console` blocks as a reader types them, shared by
//! every crate's `tests/slides.rs` (the others include this file with
//! `#[path]`).
//!
//! A transcript reads `$ cargo run --bin NAME -- ARGS`. Running a real
//! `cargo` inside `cargo test` would wait for the build lock that the
//! outer `cargo` holds, and build again. So the cases get a stand-in: a
//! small shell script, written into a temporary folder for the run and
//! removed after, that turns `cargo run [--release] [-q] --bin NAME [--
//! ARGS...]` into `target/<profile>/NAME ARGS...`, the binary this `cargo
//! test` has already built (a crate's binaries are built for its
//! integration tests). `--release` runs the same build: a transcript's
//! output does not depend on the profile.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The stand-in's folder, removed on drop.
struct StandIn(PathBuf);

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The folder of the binaries built beside this test (`target/debug`).
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("cannot find the test binary");
    let mut dir = exe.parent().expect("the test binary has no folder");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("deps has no parent folder");
    }
    dir.to_path_buf()
}

/// Writes the `cargo` stand-in into a fresh temporary folder.
fn write_stand_in() -> (StandIn, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "slides-cargo-{}-{}",
        env!("CARGO_PKG_NAME"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("cannot create the stand-in's folder");
    let guard = StandIn(dir.clone());
    let bins = bin_dir().display().to_string().replace('\'', r"'\''");
    let script = format!(
        r#"#!/bin/sh
# A stand-in for `cargo run [--release] [-q] --bin NAME [-- ARGS...]`:
# runs NAME as `cargo test` has already built it.
bins='{bins}'
if [ "$1" != run ]; then
    echo "cargo stand-in: only 'cargo run' is known here" >&2
    exit 101
fi
shift
name=
while [ $# -gt 0 ]; do
    case "$1" in
        --release|-q|--quiet) shift ;;
        --bin) name=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "cargo stand-in: unexpected '$1'" >&2; exit 101 ;;
    esac
done
if [ -z "$name" ]; then
    echo "cargo stand-in: no --bin NAME" >&2
    exit 101
fi
if [ ! -x "$bins/$name" ]; then
    echo "cargo stand-in: $bins/$name is not built" >&2
    exit 101
fi
exec "$bins/$name" "$@"
"#
    );
    let path = dir.join("cargo");
    fs::write(&path, script).expect("cannot write the stand-in");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
        .expect("cannot make the stand-in executable");
    (guard, path)
}

/// Runs the trycmd cases matching `globs` (relative to the workspace's
/// folder, where a reader types the commands), with `cargo` standing for
/// the stand-in.
pub(crate) fn run_from_workspace(globs: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::set_current_dir(&root).expect("cannot enter the workspace");
    let (_guard, cargo) = write_stand_in();
    let cases = trycmd::TestCases::new();
    cases.register_bin("cargo", cargo);
    for glob in globs {
        cases.case(glob);
    }
    cases.run();
}
