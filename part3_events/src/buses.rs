//! The bus pipeline's stages (slide 63; original: `buses.py`), written
//! once and fed by every event source.
//!
//! ```text
//! events -> buses_to_dicts -> filter_on_field("route", "22")
//!        -> filter_on_field("direction", "North Bound") -> bus_locations
//! ```
//!
//! Each stage is a consumer coroutine written against
//! [`Target`]: it neither knows nor cares whether the next stage is a
//! coroutine, a plain struct, or (in Part 4) a thread or another process.
//! A [`Bus`] is a map from field name to text, like the course's `dict`:
//! it owns its strings, so it can be sent to another thread and written
//! to a pipe.

use std::io::{self, Write};

use part1_generators::{Consumer, Exception, Target};

pub use crate::bus::Bus;
use crate::event::{EventBatch, EventRef, Events};

// ANCHOR: buses_to_dicts
/// Turns parsing events into one [`Bus`] per `<bus>` element and sends
/// each into `target`.
///
/// Inside a `<bus>`, the text of each child element becomes the value of
/// the field named after it. Text may arrive in several pieces (SAX
/// sends one per line), so the pieces are collected and joined when the
/// element ends. Events may come one per `send`
/// ([`Event`](crate::Event)) or in batches ([`Batch`](crate::event::Batch),
/// [`Packed`](crate::event::Packed)): [`Events`] hands them out one at a
/// time either way.
pub fn buses_to_dicts<E, T>(mut target: T) -> Consumer<E>
where
    E: EventBatch,
    T: Target<Bus> + 'static,
{
    Consumer::<E>::new(move |inbox| {
        let mut events = Events::new(inbox);
        // Python collects an element's text in a list of fragments and
        // joins them at its end; one string, emptied at each start tag,
        // does the same without a list.
        let mut text = String::new();
        let (mut fields, mut bytes) = (0, 0);
        while let Some(event) = events.next() {
            // Look for the start of a <bus> element.
            let EventRef::Start(name, _) = event else {
                continue;
            };
            if name != "bus" {
                continue;
            }
            let mut bus = Bus::with_capacity(fields, bytes);
            // Capture the text of the inner elements in the map.
            while let Some(event) = events.next() {
                match event {
                    EventRef::Start(..) => text.clear(),
                    EventRef::Text(piece) => text.push_str(piece),
                    EventRef::End(name) if name != "bus" => {
                        bus.insert(name, &text);
                    }
                    EventRef::End(_) => {
                        // The next bus will likely be as big as this one.
                        (fields, bytes) = (bus.len(), bus.text_len());
                        target.send(bus)?;
                        break;
                    }
                }
            }
        }
        Ok(())
    })
}
// ANCHOR_END: buses_to_dicts

// ANCHOR: filter_on_field
/// Sends on the buses whose `field` is `value`, and only those.
pub fn filter_on_field<T>(
    field: &str,
    value: &str,
    mut target: T,
) -> Consumer<Bus>
where
    T: Target<Bus> + 'static,
{
    let (field, value) = (field.to_owned(), value.to_owned());
    Consumer::<Bus>::new(move |inbox| {
        while let Some(bus) = inbox.recv() {
            if bus.get(&field) == Some(value.as_str()) {
                target.send(bus)?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: filter_on_field

// ANCHOR: bus_locations
/// Prints each bus it receives as `route,id,"direction",latitude,longitude`.
pub fn bus_locations() -> Consumer<Bus> {
    bus_locations_into(io::stdout())
}

/// Like [`bus_locations`], but writes the lines into `out`.
pub fn bus_locations_into<W: Write + 'static>(mut out: W) -> Consumer<Bus> {
    Consumer::<Bus>::new(move |inbox| {
        while let Some(bus) = inbox.recv() {
            writeln!(out, "{}", bus_location(&bus)?)?;
        }
        out.flush()?;
        Ok(())
    })
}
// ANCHOR_END: bus_locations

/// The line [`bus_locations`] prints for `bus`, or an error naming the
/// first field it lacks. Python: `'%(route)s,%(id)s,"%(direction)s",'
/// '%(latitude)s,%(longitude)s' % bus`, which raises `KeyError`.
pub fn bus_location(bus: &Bus) -> Result<String, Exception> {
    let [route, id, direction, latitude, longitude] =
        fields(bus, ["route", "id", "direction", "latitude", "longitude"])?;
    Ok(format!(
        "{route},{id},\"{direction}\",{latitude},{longitude}"
    ))
}

/// The values of `names` in `bus`, or an error naming the first that is
/// missing (and the bus, by its id if it has one).
pub fn fields<'b, const N: usize>(
    bus: &'b Bus,
    names: [&str; N],
) -> Result<[&'b str; N], Exception> {
    let mut values = [""; N];
    for (value, name) in values.iter_mut().zip(names) {
        *value = match bus.get(name) {
            Some(v) => v,
            None => {
                let which = match bus.get("id") {
                    Some(id) => format!("bus {id}"),
                    None => "a bus".to_owned(),
                };
                return Err(format!("{which} has no <{name}>").into());
            }
        };
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, Str};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A target that keeps what it receives.
    struct Keep(Rc<RefCell<Vec<Bus>>>);
    impl Target<Bus> for Keep {
        fn send(
            &mut self,
            bus: Bus,
        ) -> Result<(), part1_generators::CoroutineError> {
            self.0.borrow_mut().push(bus);
            Ok(())
        }
    }

    fn events(list: &[(&str, &str)]) -> Vec<Event> {
        list.iter()
            .map(|&(kind, s)| match kind {
                "start" => Event::Start(Str::from(s), Vec::new()),
                "text" => Event::Text(Str::from(s)),
                _ => Event::End(Str::from(s)),
            })
            .collect()
    }

    #[test]
    fn buses_become_maps_with_text_joined() {
        let kept = Rc::new(RefCell::new(Vec::new()));
        let mut stage = buses_to_dicts(Keep(Rc::clone(&kept)));
        let list = [
            ("start", "buses"),
            ("text", "\n"),
            ("start", "bus"),
            ("text", "\n  "),
            ("start", "id"),
            ("text", "14"),
            ("text", "85"),
            ("end", "id"),
            ("start", "route"),
            ("end", "route"),
            ("end", "bus"),
            ("end", "buses"),
        ];
        for e in events(&list) {
            stage.send(e).unwrap();
        }
        let kept = kept.borrow();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].get("id"), Some("1485"));
        assert_eq!(kept[0].get("route"), Some(""));
    }

    #[test]
    fn filters_pass_only_matching_buses() {
        let kept = Rc::new(RefCell::new(Vec::new()));
        let mut f = filter_on_field("route", "22", Keep(Rc::clone(&kept)));
        let bus = |route: &str| Bus::from([("route", route)]);
        f.send(bus("22")).unwrap();
        f.send(bus("36")).unwrap();
        f.send(Bus::new()).unwrap();
        assert_eq!(kept.borrow().len(), 1);
    }

    #[test]
    fn a_missing_field_is_named() {
        let mut bus = Bus::new();
        for (k, v) in [("id", "1485"), ("route", "22"), ("direction", "N")] {
            bus.insert(k, v);
        }
        let err = bus_location(&bus).unwrap_err();
        assert_eq!(err.to_string(), "bus 1485 has no <latitude>");
        bus.insert("latitude", "41.9");
        bus.insert("longitude", "-87.6");
        assert_eq!(bus_location(&bus).unwrap(), "22,1485,\"N\",41.9,-87.6");
    }
}
