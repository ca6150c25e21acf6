//! Every event source tells the same story: the same starts, texts and
//! ends, in the same order, once the SAX source's pieces of text are
//! joined; and every bus lesson prints the same buses.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use part1_generators::{CoroutineError, Target};
use part3_events::cosax::EventHandler;
use part3_events::event::Event;
use part3_events::sax;

// The two sources that are lessons, compiled here as modules.
#[path = "../src/bin/coexpat.rs"]
#[allow(dead_code, unreachable_pub)]
mod coexpat;
#[path = "../src/bin/cxmlparse.rs"]
#[allow(dead_code, unreachable_pub)]
mod cxmlparse;

/// A target that records events, joining adjacent texts.
#[derive(Clone, Default)]
struct Record(Rc<RefCell<Vec<Event>>>);

impl Target<Event> for Record {
    fn send(&mut self, event: Event) -> Result<(), CoroutineError> {
        let mut events = self.0.borrow_mut();
        if let (Some(Event::Text(last)), Event::Text(more)) =
            (events.last_mut(), &event)
        {
            last.push_str(more);
        } else {
            events.push(event);
        }
        Ok(())
    }
}

impl Record {
    fn lines(&self) -> Vec<String> {
        self.0.borrow().iter().map(Event::to_string).collect()
    }
}

/// A file in a folder of its own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, text: &str) -> Scratch {
        let dir = std::env::temp_dir()
            .join(format!("part3-sources-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("doc.xml"), text).unwrap();
        Scratch(dir)
    }
    fn path(&self) -> PathBuf {
        self.0.join("doc.xml")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The events of the three sources for the file at `path`, which must
/// agree; returns them.
fn agree(path: &Path) -> Vec<String> {
    let sax_record = Record::default();
    sax::parse(path, &mut EventHandler::new(sax_record.clone())).unwrap();
    let expat_record = Record::default();
    coexpat::expat_parse(path, expat_record.clone()).unwrap();
    let cxml_record = Record::default();
    cxmlparse::parse(path, cxml_record.clone()).unwrap();
    let sax = sax_record.lines();
    assert_eq!(sax, expat_record.lines(), "SAX and expat_parse differ");
    assert_eq!(sax, cxml_record.lines(), "SAX and cxmlparse differ");
    sax
}

#[test]
fn sources_agree_on_references_cdata_attributes_comments_line_ends() {
    let xml = "<?xml version=\"1.0\"?>\r\n<!-- c -->\r\n\
        <buses kind=\"a &amp; b\" n='1'>\r\n  <bus><id>1&#52;85</id>\
        <route>2&#x32;</route>\r\n<latitude>41.8<!-- c -->8</latitude>\
        <stop><![CDATA[Clark & Howard\r\nx]]>tail</stop><e/>\
        <f></f>\r\n</bus><?pi x?>\r\n</buses>\r\n";
    let doc = Scratch::new("tricky", xml);
    let events = agree(&doc.path());
    assert_eq!(
        events[0],
        "('start', ('buses', {'kind': 'a & b', 'n': '1'}))"
    );
    for event in [
        "('text', '1485')",
        "('text', '41.88')",
        r"('text', 'Clark & Howard\nxtail')",
        "('start', ('e', {}))",
        "('end', 'e')",
    ] {
        assert!(events.iter().any(|e| e == event), "no {event}: {events:?}");
    }
    assert!(!events.iter().any(|e| e.contains("\\r")), "{events:?}");
}

#[test]
fn sources_agree_on_many_shapes() {
    let mut xml = String::from("<?xml version=\"1.0\"?>\r\n<all>\r\n");
    for i in 0..2_000 {
        xml.push_str(&match i % 7 {
            0 => format!("<e n='{i}'>a &amp; b\r\n</e>"),
            1 => format!("<e>{i}\r\n  x\ry</e>\r\n\t"),
            2 => "<e><![CDATA[&amp; \r\n]]></e>".to_string(),
            3 => format!("<e k=\"&lt;{i}\"/>"),
            4 => "<!-- & -->\r\n<e/>".to_string(),
            5 => format!("<e>&#{};</e>\r\n", 65 + i % 26),
            _ => format!("<f>\r\n  <g>{i}</g>\r\n</f>\r\n"),
        });
    }
    xml.push_str("</all>\r\n");
    let doc = Scratch::new("many", &xml);
    let events = agree(&doc.path());
    assert!(events.len() > 7_000, "{}", events.len());
    assert!(events.iter().any(|e| e == "('text', 'a & b\\n')"));
    assert!(events.iter().any(|e| e == "('start', ('e', {'k': '<3'}))"));
}

#[test]
fn sources_agree_on_the_bus_data() {
    let events = agree(&part1_generators::data_path("allroutes.xml"));
    assert!(events.len() > 30_000, "{}", events.len());
}

#[test]
fn every_bus_lesson_prints_the_same_buses() {
    // References, comments and CDATA inside the fields, CR LF and LF.
    let xml = "<buses>\r\n<bus><id>1&#52;85</id><route>2<!-- x -->2</route>\
        <direction>North &#66;ound</direction>\r\n\
        <latitude><![CDATA[41.88]]></latitude>\
        <longitude>-87.6&amp;2</longitude></bus>\n\
        <bus><id>7</id><route>22</route><direction>South Bound</direction>\
        <latitude>1</latitude><longitude>2</longitude></bus>\r\n</buses>";
    let doc = Scratch::new("buses", xml);
    let run = |lesson: &str| {
        let exe =
            PathBuf::from(env!("CARGO_BIN_EXE_buses")).with_file_name(lesson);
        let out = Command::new(exe).arg(doc.path()).output().unwrap();
        assert!(out.status.success(), "{lesson}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let expected = "22,1485,\"North Bound\",41.88,-87.6&2\n";
    for lesson in ["buses", "coexpat", "cxmlparse"] {
        assert_eq!(run(lesson), expected, "{lesson}");
    }
    assert_eq!(run("iterbus"), "1485,22,\"North Bound\",41.88,-87.6&2\n");
}
