//! The committed bus data is `mkroutes`' default output: making it again
//! gives the same bytes, and it has the course's shape.

use std::process::Command;

fn committed() -> Vec<u8> {
    std::fs::read(part1_generators::data_path("allroutes.xml"))
        .expect("data/allroutes.xml is committed")
}

#[test]
fn mkroutes_makes_the_committed_file_again() {
    let out = Command::new(env!("CARGO_BIN_EXE_mkroutes"))
        .output()
        .expect("cannot run mkroutes");
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout == committed(),
        "data/allroutes.xml differs from what `mkroutes` writes: \
         make it again with `cargo run --bin mkroutes -- -o data/allroutes.xml`"
    );
}

#[test]
fn the_bus_data_has_the_course_shape() {
    let text = String::from_utf8(committed()).expect("UTF-8");
    assert!(text.starts_with("<?xml version=\"1.0\"?>\r\n"));
    assert_eq!(text.len(), 485_423);
    assert_eq!(text.matches("<bus>").count(), 950);
    assert_eq!(text.matches("<![CDATA[").count(), 950);
    // Untidy: CR LF line ends, tabs and spaces mixed, trailing blanks,
    // lines of blanks only.
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(text.contains("\t    \t<"));
    assert!(text.contains(">  \r\n"));
    assert!(text.lines().any(|l| !l.is_empty() && l.trim().is_empty()));
    for field in [
        "id",
        "route",
        "color",
        "revenue",
        "direction",
        "latitude",
        "longitude",
        "pattern",
        "patternDirection",
        "run",
        "finalStop",
        "operator",
        "actualRoute",
    ] {
        assert!(text.contains(&format!("<{field}>")), "no <{field}>");
    }
}

#[test]
fn sizes_by_bus_count_and_by_megabytes() {
    let mkroutes = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mkroutes"))
            .args(args)
            .output()
            .expect("cannot run mkroutes");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let three = mkroutes(&["--buses", "3", "--seed", "7"]);
    assert_eq!(three.matches("<bus>").count(), 3);
    assert_eq!(three, mkroutes(&["--buses", "3", "--seed", "7"]));
    assert_ne!(three, mkroutes(&["--buses", "3", "--seed", "8"]));
    let sized = mkroutes(&["--megabytes", "0.2"]);
    assert!((200_000..201_000).contains(&sized.len()), "{}", sized.len());
}
