//! # Part 3: coroutines and event dispatching (slides 53-74)
//!
//! The course's third part pushes the events of an XML parser through
//! coroutine pipelines, then races the event sources against each other.
//! Its data is a snapshot of Chicago's buses (`data/allroutes.xml`, made
//! by [`routes`]); its question is which northbound route 22 buses there
//! are, and where.
//!
//! ## Map of the crate
//!
//! | module        | what                                                  | lesson     |
//! |---------------|-------------------------------------------------------|------------|
//! | [`routes`]    | the generator of `allroutes.xml` files                 | mkroutes   |
//! | [`event`]     | the events sources send: start, text, end              |            |
//! | [`sax`]       | callback parsing, and callbacks turned into events     | basicsax, cosax, buses |
//! | [`bus`]       | one bus: a map from field name to text, in two allocations | |
//! | [`buses`]     | the bus stages: `buses_to_dicts`, `filter_on_field`, `bus_locations` | buses |
//! | [`expat`]     | a lower-level source: one loop, no callbacks           | coexpat    |
//! | [`cxml`]      | the lowest: events are views into the file, no copies  | cxmlparse  |
//! | [`two_threads`] | the parser on a thread of its own, the stages on this one | cxmlparse --two-threads |
//! | [`mapped`]    | a file mapped into memory (the crate's one `unsafe`)   |            |
//! | [`iterparse`] | no coroutines: a plain iterator over the buses         | iterbus    |
//! | [`document`]  | a whole file in memory, shared by its events           |            |
//! | [`error`]     | bad input, said in one line with file, line and column |            |
//!
//! The contest (`xmlcontest`) times every source with the same stages.
//!
//! ## One pipeline, three sources
//!
//! The stages are written once, against the vocabulary's
//! [`Target`](part1_generators::Target); only the source changes between
//! the `buses`, `coexpat` and `cxmlparse` lessons:
//!
//! ```
//! use part1_generators::Target;
//! use part3_events::buses::{buses_to_dicts, bus_locations_into, filter_on_field};
//! use part3_events::{cxml, document::Document};
//! # use std::{cell::RefCell, io::Write, rc::Rc};
//! # #[derive(Clone, Default)]
//! # struct Out(Rc<RefCell<Vec<u8>>>);
//! # impl Write for Out {
//! #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
//! #         self.0.borrow_mut().write(b)
//! #     }
//! #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
//! # }
//! # let out = Out::default();
//!
//! let xml = "<buses><bus><id>1485</id><route>22</route>\
//!     <direction>North Bound</direction><latitude>41.88</latitude>\
//!     <longitude>-87.62</longitude></bus></buses>";
//! let mut pipeline = buses_to_dicts(filter_on_field(
//!     "route",
//!     "22",
//!     filter_on_field("direction", "North Bound", bus_locations_into(out.clone())),
//! ));
//! cxml::parse_document(&Document::from_text("example.xml", xml), &mut pipeline)?;
//! pipeline.close()?;
//! assert_eq!(
//!     String::from_utf8(out.0.borrow().clone())?,
//!     "22,1485,\"North Bound\",41.88,-87.62\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## For Part 4
//!
//! Part 4 sends buses to a thread and down a pipe to another process. What
//! it can reuse from here:
//!
//! - [`Bus`]: a map from field name to text (two allocations a bus). It
//!   owns its text, so it is `Send` (a thread channel takes it as it is),
//!   and it serializes as a map of strings (a JSON object).
//! - The stages, each a [`Consumer`](part1_generators::Consumer) built on
//!   any [`Target`](part1_generators::Target) (a coroutine, a struct, a
//!   thread's or a pipe's sending end):
//!   [`buses_to_dicts`]`(target)` (events in, buses out),
//!   [`filter_on_field`]`(field, value, target)` (buses in, buses out),
//!   [`bus_locations`]`()` and [`buses::bus_locations_into`]`(writer)`
//!   (buses in, lines out; an error naming a missing field).
//! - The event sources, each `fn(path, &mut target) -> Result<u64,
//!   XmlError>`: [`expat_parse`] (streams the file, one event per send),
//!   [`sax::parse`] with [`sax::EventHandler`] (the same through
//!   callbacks), [`cxml::parse`] (whole file in memory, batches of
//!   events), [`two_threads::parse`] (a parser thread, packed batches).
//!   [`buses_to_dicts`] takes any [`EventBatch`](event::EventBatch).
//! - [`XmlError`]: bad input as one line naming the file and the place.

pub mod bus;
pub mod buses;
pub mod cxml;
pub mod document;
pub mod error;
pub mod event;
pub mod expat;
pub mod iterparse;
pub mod mapped;
pub mod routes;
pub mod sax;
pub mod two_threads;
mod xml;

pub use buses::{Bus, bus_locations, buses_to_dicts, filter_on_field};
pub use document::Document;
pub use error::XmlError;
pub use event::{Event, Str};
pub use expat::expat_parse;
