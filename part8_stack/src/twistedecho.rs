//! # The server of `twistedecho` (slide 187; original: `twistedecho.py`)
//!
//! The echo server in the callback style, on the reactor of
//! [`twisted`](crate::twisted): a protocol object whose `data_received`
//! writes the data back. Nothing here loops, waits or yields; the
//! reactor does all of that, and calls in.

use crate::twisted::{Protocol, Reactor, Transport};
use part7_os::net::{Listener, Stop};
use std::io;

// ANCHOR: echo
/// This is just about the simplest possible protocol (Python: `Echo`).
pub struct Echo;

impl Protocol for Echo {
    fn connection_made(&mut self, _transport: &mut Transport) {
        println!("Got a connection");
    }

    /// As soon as any data is received, write it back.
    fn data_received(&mut self, transport: &mut Transport, data: &[u8]) {
        transport.write(data);
    }
}
// ANCHOR_END: echo

// ANCHOR: run
/// The program `twistedecho` (Python: `main()`). It returns once `stop`
/// is requested and every client has gone.
pub fn run(sock: Listener, stop: Stop) -> io::Result<()> {
    let mut reactor = Reactor::default();
    // Python: `f = Factory(); f.protocol = Echo`
    reactor.listen_tcp(sock, || Box::new(Echo))?;
    reactor.run(&stop)
}
// ANCHOR_END: run
