//! # buses: an event pipeline (slide 63; original: `buses.py`)
//!
//! SAX events flow through three stages: `buses_to_dicts` collects each
//! `<bus>` element's fields into a map, two `filter_on_field` stages keep
//! route 22 going North Bound, and `bus_locations` prints where those
//! buses are.
//!
//! Run it: `cargo run --bin buses`. On the workbook's data it prints 16
//! lines like `22,1056,"North Bound",41.78958767162086,-87.7928415188941`
//! (route, id, direction, latitude, longitude). Give it the course's own
//! file as an argument and it prints the course's 16 lines.
//!
//! The library compiles this file too (`part3_events::buses`): the next
//! lessons feed these stages from other sources, unchanged (Python:
//! `from buses import *`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Consumer, Fail, Target, data_path};
use part3_events::cosax::EventHandler;
use part3_events::event::Event;
use part3_events::sax;

/// A bus: the text of each of its fields, by field name (Python: a
/// dict). A `BTreeMap` rather than a `HashMap`: a little faster here
/// (no hashing; 4% fewer instructions for `coexpat`), and its order is
/// fixed, so what Part 4 sends down a pipe reads the same on every run.
pub type Bus = BTreeMap<String, String>;

/// Turns events into one [`Bus`] per `<bus>` element, sent to `target`.
// ANCHOR: buses_to_dicts
// ANCHOR: buses_to_dicts_head
pub fn buses_to_dicts(
    mut target: impl Target<Bus> + 'static,
) -> Consumer<Event> {
    Consumer::new(move |inbox| {
        while let Some(event) = inbox.recv() {
            // Look for the start of a <bus> element
            if let Event::Start(name, _) = &event
                && name == "bus"
            {
                let mut busdict = Bus::new();
                let mut fragments = Vec::new();
                // Capture text of inner elements in a dict
                while let Some(event) = inbox.recv() {
                    match event {
                        Event::Start(..) => fragments.clear(),
                        Event::Text(text) => fragments.push(text),
                        Event::End(name) if name != "bus" => {
                            busdict.insert(name, join(&mut fragments));
                        }
                        Event::End(_) => {
                            target.send(busdict)?;
                            break;
                        }
                    }
                }
                // ANCHOR_END: buses_to_dicts_head
            }
        }
        Ok(())
    })
}
// ANCHOR_END: buses_to_dicts

/// Python: `"".join(fragments)`, which returns a lone fragment as it is
/// (the usual case); so do we: moved, not copied.
fn join(fragments: &mut Vec<String>) -> String {
    match fragments.len() {
        1 => fragments.pop().unwrap_or_default(),
        _ => fragments.concat(),
    }
}

// ANCHOR: filter_on_field
/// Sends on the buses whose `fieldname` is `value`, and only those.
pub fn filter_on_field(
    fieldname: &str,
    value: &str,
    mut target: impl Target<Bus> + 'static,
) -> Consumer<Bus> {
    let (fieldname, value) = (fieldname.to_owned(), value.to_owned());
    Consumer::<Bus>::new(move |inbox| {
        while let Some(d) = inbox.recv() {
            if d.get(&fieldname) == Some(&value) {
                target.send(d)?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: filter_on_field

// ANCHOR: bus_locations
/// Prints each bus as `route,id,"direction",latitude,longitude`.
pub fn bus_locations() -> Consumer<Bus> {
    Consumer::<Bus>::new(|inbox| {
        while let Some(bus) = inbox.recv() {
            // Python's `%` raises KeyError for a missing field.
            let field = |name| bus.get(name).ok_or_else(|| missing(&bus, name));
            println!(
                "{},{},\"{}\",{},{}",
                field("route")?,
                field("id")?,
                field("direction")?,
                field("latitude")?,
                field("longitude")?
            );
        }
        Ok(())
    })
}
// ANCHOR_END: bus_locations

/// What is said of a bus without the field `name`.
fn missing(bus: &Bus, name: &str) -> String {
    match bus.get("id") {
        Some(id) => format!("bus {id} has no <{name}>"),
        None => format!("a bus has no <{name}>"),
    }
}

/// Prints where the northbound route 22 buses are.
#[derive(Parser)]
#[command(name = "buses")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let path = Args::parse()
        .file
        .unwrap_or_else(|| data_path("allroutes.xml"));
    sax::parse(
        &path,
        &mut EventHandler::new(buses_to_dicts(filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        ))),
    )?;
    Ok(())
}
// ANCHOR_END: main
