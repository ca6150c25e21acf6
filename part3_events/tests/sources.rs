//! Every event source must tell the same story: the same starts, texts
//! and ends, in the same order, once the SAX source's text pieces are
//! joined and the fast source's batches are unpacked.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use part1_generators::{CoroutineError, Target};
use part3_events::event::{Batch, Event, EventBatch, Packed, Str};
use part3_events::sax::{self, EventHandler};
use part3_events::{Document, cxml, expat_parse, two_threads};

/// A target that records events (or batches of them), joining adjacent
/// texts.
#[derive(Clone, Default)]
struct Record(Rc<RefCell<Vec<Event>>>);

impl Record {
    fn push(&self, event: Event) {
        let mut events = self.0.borrow_mut();
        if let (Some(Event::Text(last)), Event::Text(more)) =
            (events.last_mut(), &event)
        {
            *last = Str::from(format!("{last}{more}"));
            return;
        }
        events.push(event);
    }
    fn lines(&self) -> Vec<String> {
        self.0.borrow().iter().map(Event::to_string).collect()
    }
}

impl Target<Event> for Record {
    fn send(&mut self, event: Event) -> Result<(), CoroutineError> {
        self.push(event);
        Ok(())
    }
}

impl Target<Batch> for Record {
    fn send(&mut self, batch: Batch) -> Result<(), CoroutineError> {
        batch.into_iter().for_each(|e| self.push(e));
        Ok(())
    }
}

impl<T: AsRef<str> + 'static> Target<Packed<T>> for Record {
    fn send(&mut self, mut batch: Packed<T>) -> Result<(), CoroutineError> {
        (0..batch.len()).for_each(|i| self.push(batch.event(i).to_event()));
        Ok(())
    }
}

/// The events of each source for the file at `path`.
fn all_sources(path: &Path) -> [Vec<String>; 4] {
    let sax_record = Record::default();
    let mut handler = EventHandler::new(sax_record.clone());
    sax::parse(path, &mut handler).unwrap();
    let mut expat_record = Record::default();
    expat_parse(path, &mut expat_record).unwrap();
    let mut cxml_record = Record::default();
    cxml::parse(path, &mut cxml_record).unwrap();
    let mut threads_record = Record::default();
    two_threads::parse(path, &mut threads_record).unwrap();
    [
        sax_record.lines(),
        expat_record.lines(),
        cxml_record.lines(),
        threads_record.lines(),
    ]
}

fn check(name: &str, xml: &str) -> Vec<String> {
    let dir = std::env::temp_dir()
        .join(format!("part3-sources-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.xml");
    std::fs::write(&path, xml).unwrap();
    let [sax, expat, cxml, threads] = all_sources(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(sax, expat, "{name}: SAX and expat_parse differ");
    assert_eq!(expat, cxml, "{name}: expat_parse and cxml differ");
    assert_eq!(cxml, threads, "{name}: cxml and two_threads differ");
    sax
}

#[test]
fn sources_agree_on_entities_cdata_comments_and_line_ends() {
    let xml = "<?xml version=\"1.0\"?>\r\n<!-- c -->\r\n\
        <buses kind=\"a &amp; b\" n='1'>\r\n  <bus><id>1&#52;85</id>\
        <route>2&#x32;</route>\r\n<latitude>41.8<!-- c -->8</latitude>\
        <stop><![CDATA[Clark & Howard\r\nx]]>tail</stop><e/>\
        <f></f>\r\n</bus><?pi x?>\r\n</buses>\r\n";
    let events = check("tricky", xml);
    assert_eq!(
        events[0],
        "('start', ('buses', {'kind': 'a & b', 'n': '1'}))"
    );
    assert!(events.contains(&"('text', '1485')".to_string()));
    assert!(events.contains(&"('text', '41.88')".to_string()));
    assert!(events.contains(&r"('text', 'Clark & Howard\nxtail')".to_string()));
    assert!(events.contains(&"('start', ('e', {}))".to_string()));
    assert!(!events.iter().any(|e| e.contains("\\r")), "{events:?}");
}

#[test]
fn sources_agree_across_many_batches() {
    // 10,000 elements, more than 38,000 events: three of the two-thread
    // source's chunks. Each element has one of seven shapes, so every
    // shape lands at every place in a chunk, the first and last among
    // them.
    let mut xml = String::from("<?xml version=\"1.0\"?>\r\n<all>\r\n");
    for i in 0..10_000 {
        let piece = match i % 7 {
            0 => format!("<e n='{i}'>a &amp; b\r\n</e>"),
            1 => format!("<e>{i}\r\n  x\ry</e>\r\n\t"),
            2 => "<e><![CDATA[&amp; \r\n]]></e>".to_string(),
            3 => format!("<e k=\"&lt;{i}\"/>"),
            4 => "<!-- & -->\r\n<e/>".to_string(),
            5 => format!("<e>&#{};</e>\r\n", 65 + i % 26),
            _ => format!("<f>\r\n  <g>{i}</g>\r\n</f>\r\n"),
        };
        xml.push_str(&piece);
    }
    xml.push_str("</all>\r\n");
    let events = check("many", &xml);
    assert!(events.len() > 2 * two_threads::CHUNK, "{}", events.len());
    assert!(events.contains(&"('text', 'a & b\\n')".to_string()));
    assert!(events.contains(&"('start', ('e', {'k': '<3'}))".to_string()));
    assert!(!events.iter().any(|e| e.contains("\\r")), "a CR is left");
}

#[test]
fn sources_agree_on_the_bus_data() {
    let data = part1_generators::data_path("allroutes.xml");
    let [sax, expat, cxml, threads] = all_sources(&data);
    assert_eq!(sax, expat);
    assert_eq!(expat, cxml);
    assert_eq!(cxml, threads);
    assert!(sax.len() > 30_000, "{}", sax.len());
}

#[test]
fn the_pull_parser_finds_the_same_buses() {
    let data = part1_generators::data_path("allroutes.xml");
    let document = Document::load(&data).unwrap();
    let buses: Vec<_> = document.buses().map(Result::unwrap).collect();
    assert_eq!(buses.len(), 950);
    let northbound_22 = buses
        .iter()
        .filter(|b| {
            b.get("route") == Some("22")
                && b.get("direction") == Some("North Bound")
        })
        .count();
    assert_eq!(northbound_22, 16);
    assert!(buses.iter().all(|b| b["finalStop"].contains(" & ")));
}
