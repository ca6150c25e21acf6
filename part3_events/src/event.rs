//! The events every source of this part sends, one per `send`: the
//! course's three tuples as a Rust enum.
//!
//! | Python                         | Rust                            |
//! |--------------------------------|---------------------------------|
//! | `("start", (name, attrs))`     | [`Event::Start`]`(name, attrs)` |
//! | `("text", text)`               | [`Event::Text`]`(text)`         |
//! | `("end", name)`                | [`Event::End`]`(name)`          |
//!
//! A coroutine owns what it is sent (corosensei's inputs are `'static`),
//! so an event owns its strings: it cannot borrow the parser's buffer,
//! which the next read overwrites.

use std::fmt;

// ANCHOR: event
/// One parsing event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An element starts: its name, and its attributes in document order
    /// (Python: a dict). The bus data has none, and an empty `Vec`
    /// allocates nothing.
    Start(String, Vec<(String, String)>),
    /// Text: with references replaced and line ends made `\n`. One
    /// element's text may come in several pieces.
    Text(String),
    /// An element ends.
    End(String),
}
// ANCHOR_END: event

/// Prints an event as Python prints the tuple: `('end', 'id')`.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Start(name, attrs) => {
                write!(f, "('start', ({}, {{", py_repr(name))?;
                for (i, (key, value)) in attrs.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}: {}", py_repr(key), py_repr(value))?;
                }
                f.write_str("}))")
            }
            Event::Text(text) => write!(f, "('text', {})", py_repr(text)),
            Event::End(name) => write!(f, "('end', {})", py_repr(name)),
        }
    }
}

/// A string as Python's `repr()` writes it: in single quotes (double
/// quotes if it holds a `'` and no `"`), with `\n`, `\t`, `\\` and other
/// control characters escaped.
///
/// ```
/// use part3_events::event::py_repr;
/// assert_eq!(py_repr("\n\t\t"), r"'\n\t\t'");
/// assert_eq!(py_repr("it's"), r#""it's""#);
/// ```
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Python writes the control characters of Latin-1 as \xNN
            // (others, rare in XML, as \uNNNN).
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{a0}').contains(&c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
