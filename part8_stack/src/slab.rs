//! # Many stacks in one memory map (Linux 6.13 and later)
//!
//! Not a lesson: what would raise the ceiling on the number of tasks.
//! A corosensei [`DefaultStack`](corosensei::stack::DefaultStack) is one
//! `mmap` whose low page is made inaccessible with `mprotect`, the guard
//! page: two protections, so two kernel memory maps per stack, and Linux
//! allows a process `vm.max_map_count` maps (65,530 by default).
//!
//! Carving the stacks out of one big mapping does not help if each guard
//! page is made with `mprotect`: the mapping splits at every change of
//! protection, guard, stack, guard, stack, and costs the same two maps a
//! stack. Linux 6.13 added lightweight guard pages,
//! `madvise(MADV_GUARD_INSTALL)`: a page that faults when touched, like a
//! guard page, without splitting the mapping. A [`Slab`] is one mapping
//! of many stack slots, each with such a guard page below it: one memory
//! map for all of them.
//!
//! corosensei lets a program bring its own stacks: [`SlabStack`]
//! implements its `Stack` trait. On an older kernel, [`Slab::new`]
//! fails with a clear error.

use corosensei::stack::{Stack, StackPointer};
use std::cell::RefCell;
use std::io;
use std::rc::Rc;

/// `madvise` advice: make these pages fault when touched, without
/// splitting the mapping (Linux 6.13; not yet named by the `libc` crate).
const MADV_GUARD_INSTALL: libc::c_int = 102;

/// One mapping holding stack slots of one size, each with a guard page
/// below it.
pub struct Slab {
    inner: Rc<Inner>,
}

struct Inner {
    /// The mapping's lowest address, and its length.
    addr: usize,
    len: usize,
    /// A slot: a guard page, then the stack.
    slot: usize,
    page: usize,
    /// Slots handed out at least once (their guard page is installed).
    used: RefCell<usize>,
    /// Slots given back, free to hand out again.
    free: RefCell<Vec<usize>>,
}

impl Slab {
    /// Maps room for `count` stacks of at least `size` usable bytes
    /// each. The memory is only reserved: a page costs memory once a
    /// task touches it.
    pub fn new(size: usize, count: usize) -> io::Result<Slab> {
        let page = rustix::param::page_size();
        let size = size.max(corosensei::stack::MIN_STACK_SIZE);
        let stack = size.div_ceil(page) * page;
        let slot = stack + page;
        let len = slot.checked_mul(count.max(1)).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "slab too big")
        })?;
        // SAFETY: a fresh anonymous private mapping, placed by the kernel
        // (no address given): it overlaps nothing of ours. MAP_NORESERVE:
        // the pages are committed when touched, not all now.
        #[allow(unsafe_code)]
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let slab = Slab {
            inner: Rc::new(Inner {
                addr: addr as usize,
                len,
                slot,
                page,
                used: RefCell::new(0),
                free: RefCell::new(Vec::new()),
            }),
        };
        // Try the first guard page now: an old kernel refuses the advice.
        let first = slab.take()?;
        drop(first);
        Ok(slab)
    }

    /// The usable bytes of each stack.
    pub fn stack_size(&self) -> usize {
        self.inner.slot - self.inner.page
    }

    /// A free stack slot, its guard page installed; an error once every
    /// slot is in use.
    pub fn take(&self) -> io::Result<SlabStack> {
        let inner = &self.inner;
        if let Some(index) = inner.free.borrow_mut().pop() {
            return Ok(SlabStack {
                slab: inner.clone(),
                index,
            });
        }
        let index = *inner.used.borrow();
        if (index + 1) * inner.slot > inner.len {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("all {index} stacks of the slab are in use"),
            ));
        }
        let guard = inner.addr + index * inner.slot;
        // SAFETY: `guard` is the first page of slot `index`, inside our
        // mapping, and no stack uses it: it is the guard page below the
        // slot's stack. The advice only makes that page fault on access.
        #[allow(unsafe_code)]
        let result = unsafe {
            libc::madvise(
                guard as *mut libc::c_void,
                inner.page,
                MADV_GUARD_INSTALL,
            )
        };
        if result != 0 {
            let e = io::Error::last_os_error();
            return Err(io::Error::new(
                e.kind(),
                format!(
                    "cannot install a lightweight guard page (it takes \
                     Linux 6.13 or later): {e}"
                ),
            ));
        }
        *inner.used.borrow_mut() += 1;
        Ok(SlabStack {
            slab: inner.clone(),
            index,
        })
    }
}

/// A stack in a [`Slab`]; dropping it gives its slot back.
pub struct SlabStack {
    slab: Rc<Inner>,
    index: usize,
}

impl Drop for SlabStack {
    fn drop(&mut self) {
        self.slab.free.borrow_mut().push(self.index);
    }
}

// SAFETY: a slot is a guard page (`limit`, made to fault on access by
// MADV_GUARD_INSTALL before the slot is handed out) followed by at least
// MIN_STACK_SIZE bytes of readable, writable memory up to `base`. Both
// addresses are page-aligned, so aligned to STACK_ALIGNMENT. The slot
// belongs to this `SlabStack` alone until it is dropped, and the mapping
// lives as long as any `SlabStack` holds the `Rc`.
#[allow(unsafe_code)]
unsafe impl Stack for SlabStack {
    fn base(&self) -> StackPointer {
        let base = self.slab.addr + (self.index + 1) * self.slab.slot;
        StackPointer::new(base).expect("a mapped address is not zero")
    }

    fn limit(&self) -> StackPointer {
        let limit = self.slab.addr + self.index * self.slab.slot;
        StackPointer::new(limit).expect("a mapped address is not zero")
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `Slab::new`; the last `Rc` is gone,
        // so no stack in it is in use.
        #[allow(unsafe_code)]
        unsafe {
            libc::munmap(self.addr as *mut libc::c_void, self.len);
        }
    }
}
