//! One bus: the course's `busdict`, a map from field name to text.
//!
//! Python builds a `dict` per `<bus>`: thirteen keys, thirteen values,
//! each its own string object. The first Rust version did the same with a
//! `BTreeMap<String, String>`: about thirty allocations per bus, and on the
//! contest's 30 MB file (58,745 buses) building the maps cost more than
//! parsing the XML. A [`Bus`] keeps the same map behaviour (look a field
//! up by name, insert, replace) in two allocations: all the names and
//! values back to back in one `String`, and where each one ends.
//!
//! ```text
//! text:   "id1485route22directionNorth Bound..."
//! fields: [(2, 6), (11, 13), (22, 33), ...]   (end of name, end of value)
//! ```
//!
//! A bus has a dozen fields, so finding one by comparing names in order is
//! as quick as hashing. Like a Python 3.7+ `dict`, it keeps its fields in
//! the order they were inserted. It owns its text, so it is `Send` (Part 4
//! sends buses to a thread) and it serializes as a JSON object (Part 4
//! writes buses to a pipe).

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ANCHOR: bus
/// One bus: its fields (`id`, `route`, `direction`, `latitude`, ...) and
/// their text, in the order they were inserted. Python: `busdict`.
#[derive(Clone, Default)]
pub struct Bus {
    /// Every field's name, then its value, back to back.
    text: String,
    /// For each field: where its name ends and where its value ends in
    /// `text` (the name starts where the field before it ends).
    ends: Vec<(usize, usize)>,
    /// One bit for each name it holds (see [`name_bit`]): a name whose
    /// bit is not set is not here, and need not be looked for.
    names: u64,
}

/// The bit that stands for `name` in [`Bus::names`], picked by its length
/// and its last byte. Two names can share a bit; that only costs a look.
fn name_bit(name: &str) -> u64 {
    let last = name.as_bytes().last().copied().unwrap_or(0);
    1 << ((name.len() * 7 + last as usize) % 64)
}
// ANCHOR_END: bus

impl Bus {
    /// An empty bus (allocates nothing yet).
    pub fn new() -> Bus {
        Bus::default()
    }

    /// An empty bus with room for `fields` fields and `bytes` bytes of
    /// names and values, so that filling it allocates no more.
    pub fn with_capacity(fields: usize, bytes: usize) -> Bus {
        Bus {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(fields),
            names: 0,
        }
    }

    /// The fields, in order, as `(name, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let field =
                (&self.text[start..name_end], &self.text[name_end..value_end]);
            start = value_end;
            field
        })
    }

    /// The value of the field `name`, if the bus has one. Python:
    /// `busdict.get(name)`.
    pub fn get(&self, name: &str) -> Option<&str> {
        if self.names & name_bit(name) == 0 {
            return None;
        }
        self.iter()
            .find(|&(n, _)| n == name)
            .map(|(_, value)| value)
    }

    /// Sets the field `name` to `value`, replacing the value it had.
    /// Python: `busdict[name] = value`.
    pub fn insert(&mut self, name: &str, value: &str) {
        if self.get(name).is_some() {
            // Rare (a bus that repeats a field): rebuild without it.
            let old = std::mem::take(self);
            for (n, v) in old.iter().filter(|&(n, _)| n != name) {
                self.push(n, v);
            }
        }
        self.push(name, value);
    }

    fn push(&mut self, name: &str, value: &str) {
        self.names |= name_bit(name);
        self.text.push_str(name);
        let name_end = self.text.len();
        self.text.push_str(value);
        self.ends.push((name_end, self.text.len()));
    }

    /// How many fields the bus has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the bus has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many bytes of names and values it holds (to size the next bus
    /// with [`Bus::with_capacity`]).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }
}

/// Two buses are equal when they have the same fields with the same
/// values, in any order (as two Python dicts are).
impl PartialEq for Bus {
    fn eq(&self, other: &Bus) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(name, value)| other.get(name) == Some(value))
    }
}

impl Eq for Bus {}

/// `bus["id"]`, like `busdict['id']`: panics if there is no such field.
/// Use [`Bus::get`] when the field may be missing.
impl std::ops::Index<&str> for Bus {
    type Output = str;
    fn index(&self, name: &str) -> &str {
        match self.get(name) {
            Some(value) => value,
            None => panic!("the bus has no field {name:?}"),
        }
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Bus {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(fields: I) -> Bus {
        let mut bus = Bus::new();
        for (name, value) in fields {
            bus.insert(name.as_ref(), value.as_ref());
        }
        bus
    }
}

impl<N: AsRef<str>, V: AsRef<str>, const K: usize> From<[(N, V); K]> for Bus {
    fn from(fields: [(N, V); K]) -> Bus {
        fields.into_iter().collect()
    }
}

/// Prints like a map: `{"id": "1485", "route": "22"}`.
impl fmt::Debug for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A bus is written as a map (in JSON, an object): `{"id":"1485",...}`.
impl Serialize for Bus {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let mut map = out.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A bus is read from a map of strings (in JSON, an object).
impl<'de> Deserialize<'de> for Bus {
    fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Bus, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Bus;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from field names to strings")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Bus, M::Error> {
                let mut bus = Bus::new();
                // Owned strings: JSON text with escapes cannot be borrowed.
                while let Some((name, value)) =
                    map.next_entry::<String, String>()?
                {
                    bus.insert(&name, &value);
                }
                Ok(bus)
            }
        }
        input.deserialize_map(Fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_name_in_insertion_order() {
        let mut bus = Bus::new();
        bus.insert("id", "1485");
        bus.insert("route", "22");
        bus.insert("direction", "North Bound");
        assert_eq!(bus.get("route"), Some("22"));
        assert_eq!(bus.get("direction"), Some("North Bound"));
        assert_eq!(bus.get("rout"), None, "a prefix is not a name");
        assert_eq!(bus.get("22"), None, "a value is not a name");
        assert_eq!(&bus["id"], "1485");
        let names: Vec<_> = bus.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["id", "route", "direction"]);
        assert_eq!(bus.len(), 3);
    }

    #[test]
    fn names_that_share_a_bit_are_told_apart() {
        assert_eq!(name_bit("route"), name_bit("bus"));
        let mut bus = Bus::from([("route", "22")]);
        assert_eq!(bus.get("bus"), None);
        bus.insert("bus", "7");
        assert_eq!(bus.get("route"), Some("22"));
        assert_eq!(bus.get("bus"), Some("7"));
        assert_eq!(bus.len(), 2);
    }

    #[test]
    fn empty_names_and_values_are_kept() {
        let bus = Bus::from([("", "x"), ("route", ""), ("id", "7")]);
        assert_eq!(bus.get(""), Some("x"));
        assert_eq!(bus.get("route"), Some(""));
        assert_eq!(bus.get("id"), Some("7"));
    }

    #[test]
    fn inserting_again_replaces_the_value() {
        let mut bus = Bus::from([("id", "1"), ("route", "22"), ("run", "K")]);
        bus.insert("route", "36");
        assert_eq!(bus.get("route"), Some("36"));
        assert_eq!(bus.len(), 3);
        assert_eq!(
            format!("{bus:?}"),
            r#"{"id": "1", "run": "K", "route": "36"}"#
        );
    }

    #[test]
    fn equal_buses_compare_equal() {
        let a = Bus::from([("id", "1"), ("route", "22")]);
        let b: Bus = [("id", "1"), ("route", "22")].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, Bus::from([("id", "1"), ("route", "2")]));
        assert_ne!(a, Bus::from([("id", "1")]));
        assert_eq!(a, Bus::from([("route", "22"), ("id", "1")]), "any order");
    }

    #[test]
    fn a_bus_is_a_json_object() {
        let bus =
            Bus::from([("id", "1485"), ("finalStop", "Foster & \"Racine\"")]);
        let json = serde_json::to_string(&bus).unwrap();
        assert_eq!(json, r#"{"id":"1485","finalStop":"Foster & \"Racine\""}"#);
        let back: Bus = serde_json::from_str(&json).unwrap();
        assert_eq!(back, bus);
        assert!(serde_json::from_str::<Bus>(r#"{"id":7}"#).is_err());
    }
}
