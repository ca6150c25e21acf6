//! The committed bus data is the generator's default output: regenerating
//! it gives the same bytes.

use part3_events::routes::{DEFAULT_BUSES, DEFAULT_SEED, Size, write_routes};

#[test]
fn regenerating_the_bus_data_gives_the_same_bytes() {
    let committed =
        std::fs::read(part1_generators::data_path("allroutes.xml")).unwrap();
    let mut made = Vec::new();
    write_routes(&mut made, DEFAULT_SEED, Size::Buses(DEFAULT_BUSES)).unwrap();
    assert!(
        made == committed,
        "data/allroutes.xml differs from what `mkroutes` writes: \
         regenerate it with `cargo run --bin mkroutes -- -o data/allroutes.xml`"
    );
}

#[test]
fn the_bus_data_has_the_course_shape() {
    let text =
        std::fs::read_to_string(part1_generators::data_path("allroutes.xml"))
            .unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\"?>\r\n"));
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
fn the_mkroutes_command_writes_the_committed_file() {
    let out = std::env::temp_dir()
        .join(format!("part3-mkroutes-{}.xml", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_mkroutes"))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("cannot run mkroutes");
    assert!(status.status.success(), "{status:?}");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.starts_with("wrote 950 buses, 485423 bytes"),
        "{stderr}"
    );
    let made = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    let committed =
        std::fs::read(part1_generators::data_path("allroutes.xml")).unwrap();
    assert!(
        made == committed,
        "mkroutes -o differs from data/allroutes.xml"
    );
}
