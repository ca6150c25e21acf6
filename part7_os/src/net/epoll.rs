//! [`IoPoller`](super::IoPoller)'s kernel interface on Linux: `epoll`,
//! called directly (through rustix), with the part of the `polling`
//! crate's API that `IoPoller` uses, so that the same code runs on
//! `polling` on other systems; and edge-triggered registration
//! ([`Poller::add_edge`]), for `IoPoller::edge_triggered`, on Linux only.
//!
//! Why not `polling` here too: its `wait` can be woken from another
//! thread and keeps timeouts finer than a millisecond, and it pays for
//! both at every call, waiting or not: besides `epoll_wait`, a
//! `timerfd_settime`, a `read` of its wake-up descriptor and two
//! `epoll_ctl` to re-arm the two. A coroutine scheduler needs neither.
//! Under Part 9's ping-pong load, where a server waits about once a
//! message, they cost it 1 to 1.5 µs of CPU per message, 7 to 9% (Part
//! 9's slides, "What the numbers say").

use rustix::buffer::spare_capacity;
use rustix::event::{Timespec, epoll};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

/// Interest in a descriptor, or what it is ready for, under a key (the
/// descriptor's number, for `IoPoller`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Event {
    /// Whose event it is.
    pub(super) key: usize,
    /// Readable: data, a connection, the peer's close, or an error.
    pub(super) readable: bool,
    /// Writable: room to send, or an error.
    pub(super) writable: bool,
    /// Readable for good: the peer has closed its side, or an error
    /// (reported by edge-triggered registrations only).
    pub(super) read_for_good: bool,
    /// Writable for good: the connection is gone, or an error.
    pub(super) write_for_good: bool,
}

impl Event {
    /// Interest in reading, writing, both or neither.
    pub(super) fn new(key: usize, readable: bool, writable: bool) -> Event {
        Event {
            key,
            readable,
            writable,
            read_for_good: false,
            write_for_good: false,
        }
    }

    /// The registration: one-shot (the first report disarms it, as
    /// `polling` does), for what is wanted.
    fn registration(self) -> (epoll::EventData, epoll::EventFlags) {
        use epoll::EventFlags as Flag;
        let mut flags = Flag::ONESHOT;
        if self.readable {
            flags |= Flag::IN | Flag::PRI;
        }
        if self.writable {
            flags |= Flag::OUT;
        }
        (epoll::EventData::new_u64(self.key as u64), flags)
    }
}

/// What one [`Poller::wait`] found.
pub(super) struct Events {
    list: Vec<epoll::Event>,
}

impl Events {
    /// Room for 1,024 events a wait (more wait for the next one).
    pub(super) fn new() -> Events {
        Events {
            list: Vec::with_capacity(1024),
        }
    }

    /// Forgets the events of the last wait.
    pub(super) fn clear(&mut self) {
        self.list.clear();
    }

    /// The events, as `polling` reports them: a hang-up or an error makes
    /// a descriptor both readable and writable, so that its waiter tries,
    /// and learns what happened.
    pub(super) fn iter(&self) -> impl Iterator<Item = Event> + '_ {
        use epoll::EventFlags as Flag;
        self.list.iter().map(|event| {
            let flags = event.flags;
            Event {
                key: event.data.u64() as usize,
                readable: flags.intersects(
                    Flag::IN | Flag::PRI | Flag::RDHUP | Flag::HUP | Flag::ERR,
                ),
                writable: flags.intersects(Flag::OUT | Flag::HUP | Flag::ERR),
                read_for_good: flags
                    .intersects(Flag::RDHUP | Flag::HUP | Flag::ERR),
                write_for_good: flags.intersects(Flag::HUP | Flag::ERR),
            }
        })
    }
}

/// An `epoll` instance.
pub(super) struct Poller {
    epoll: OwnedFd,
}

impl Poller {
    /// A new `epoll` instance.
    pub(super) fn new() -> io::Result<Poller> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        Ok(Poller { epoll })
    }

    /// Registers `source`, one-shot, for `interest`.
    ///
    /// # Safety
    ///
    /// None for `epoll`. Declared `unsafe` for `polling`'s sake, whose
    /// `add` it stands for: there, `source` must be deleted from the
    /// poller before it is closed, and `IoPoller` keeps that promise on
    /// every system.
    #[allow(unsafe_code)]
    pub(super) unsafe fn add(
        &self,
        source: &impl AsFd,
        interest: Event,
    ) -> io::Result<()> {
        let (data, flags) = interest.registration();
        Ok(epoll::add(&self.epoll, source, data, flags)?)
    }

    /// Registers `source` for good, edge-triggered: every time it becomes
    /// readable or writable, one report, until it is deleted. The peer's
    /// close is reported too (`RDHUP`): after it, reads never block, and
    /// no edge will say so again.
    pub(super) fn add_edge(
        &self,
        source: &impl AsFd,
        key: usize,
    ) -> io::Result<()> {
        use epoll::EventFlags as Flag;
        let flags = Flag::ET | Flag::IN | Flag::PRI | Flag::OUT | Flag::RDHUP;
        let data = epoll::EventData::new_u64(key as u64);
        Ok(epoll::add(&self.epoll, source, data, flags)?)
    }

    /// Re-arms a registered `source` for `interest`.
    pub(super) fn modify(
        &self,
        source: impl AsFd,
        interest: Event,
    ) -> io::Result<()> {
        let (data, flags) = interest.registration();
        Ok(epoll::modify(&self.epoll, source, data, flags)?)
    }

    /// Unregisters `source`.
    pub(super) fn delete(&self, source: impl AsFd) -> io::Result<()> {
        Ok(epoll::delete(&self.epoll, source)?)
    }

    /// Waits until a registered descriptor is ready, or `timeout` passes
    /// (`None`: no limit), and puts what is ready in `events`: one system
    /// call, `epoll_wait`. Returns how many events there are.
    pub(super) fn wait(
        &self,
        events: &mut Events,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        // A timeout too long for a `Timespec` is no timeout.
        let timeout = timeout.and_then(|t| Timespec::try_from(t).ok());
        events.clear();
        loop {
            let list = spare_capacity(&mut events.list);
            match epoll::wait(&self.epoll, list, timeout.as_ref()) {
                Ok(n) => return Ok(n),
                // A signal came: wait again (a zero timeout stays zero).
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}
