//! # Stacks for many coroutines: their size, their reuse, their depth
//!
//! Not a lesson: the stacks under the [`stackful`](crate::stackful)
//! scheduler's tasks. Each task runs on a stack of its own, a
//! corosensei [`DefaultStack`]: one `mmap` of address space, a guard page
//! at its low end (a task that overflows its stack hits it and the
//! process dies of `SIGSEGV`, rather than writing over other memory),
//! and the rest readable and writable. Two facts follow:
//!
//! - Memory is used only where a task has touched its stack: the rest of
//!   the address space costs no RAM. A stack's size is a limit, not a
//!   cost in RSS.
//! - Each stack is two kernel memory maps (the guard page and the rest,
//!   which differ in protection), and Linux allows a process
//!   `vm.max_map_count` of them, 65,530 by default: about 32,000 stacks.
//!
//! [`Stacks`] hands out stacks of one size and takes back the stacks of
//! finished tasks for the next ones, which saves an `mmap`, an `mprotect`
//! and a `munmap` per task, and the page faults of a fresh stack. In
//! metering mode it never reuses a stack, and instead measures how deep
//! each returned stack was used: how [`echostackful`](crate::stackful)'s
//! stack size was chosen. On Linux 6.13 and later it can also carve the
//! stacks out of one mapping, a `Slab`, one memory map for them all.

#[cfg(target_os = "linux")]
use crate::slab::{Slab, SlabStack};
use corosensei::stack::{DefaultStack, Stack, StackPointer};
use std::io;

/// A task's stack: corosensei's default, or a slot in a slab (Linux).
pub enum TaskStack {
    /// A mapping of its own, with an `mprotect`ed guard page.
    Mapped(DefaultStack),
    /// A slot in a slab, with a lightweight guard page.
    #[cfg(target_os = "linux")]
    Slab(SlabStack),
}

// SAFETY: each variant is a `Stack` that keeps the trait's promises (a
// guard page below, enough room above it, aligned bounds); this only
// passes its bounds on.
#[allow(unsafe_code)]
unsafe impl Stack for TaskStack {
    fn base(&self) -> StackPointer {
        match self {
            TaskStack::Mapped(stack) => stack.base(),
            #[cfg(target_os = "linux")]
            TaskStack::Slab(stack) => stack.base(),
        }
    }

    fn limit(&self) -> StackPointer {
        match self {
            TaskStack::Mapped(stack) => stack.limit(),
            #[cfg(target_os = "linux")]
            TaskStack::Slab(stack) => stack.limit(),
        }
    }
}

/// The smallest stack corosensei accepts, in bytes.
pub const MIN_STACK_SIZE: usize = corosensei::stack::MIN_STACK_SIZE;

/// Where a coroutine's stacks come from, and go back to.
pub struct Stacks {
    size: usize,
    spare: Vec<TaskStack>,
    metered: bool,
    deepest: usize,
    #[cfg(target_os = "linux")]
    slab: Option<Slab>,
}

impl Stacks {
    /// Stacks of `size` usable bytes, reused.
    pub fn new(size: usize) -> Stacks {
        Stacks {
            size,
            spare: Vec::new(),
            metered: false,
            deepest: 0,
            #[cfg(target_os = "linux")]
            slab: None,
        }
    }

    /// Up to `count` stacks of `size` usable bytes, carved out of one
    /// mapping (see `Slab`), reused. Fails on kernels older than 6.13, and
    /// on systems other than Linux.
    pub fn slab(size: usize, count: usize) -> io::Result<Stacks> {
        #[cfg(target_os = "linux")]
        {
            let slab = Slab::new(size, count)?;
            Ok(Stacks {
                size: slab.stack_size(),
                slab: Some(slab),
                ..Stacks::new(size)
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (size, count);
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "stacks carved out of one mapping need Linux 6.13 or later",
            ))
        }
    }

    /// Stacks of `size` usable bytes, each used once and measured when
    /// given back: see [`Stacks::deepest`].
    pub fn metered(size: usize) -> Stacks {
        Stacks {
            metered: true,
            ..Stacks::new(size)
        }
    }

    /// The usable size of each stack, in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// A stack: a spare one, or a new one. Fails when the process cannot
    /// map more memory: out of memory, or out of memory maps
    /// (`vm.max_map_count`).
    pub fn take(&mut self) -> io::Result<TaskStack> {
        if let Some(stack) = self.spare.pop() {
            return Ok(stack);
        }
        #[cfg(target_os = "linux")]
        if let Some(slab) = &self.slab {
            return slab.take().map(TaskStack::Slab);
        }
        DefaultStack::new(self.size).map(TaskStack::Mapped)
    }

    /// Takes back the stack of a finished coroutine.
    pub fn give_back(&mut self, stack: TaskStack) {
        if self.metered {
            self.deepest = self.deepest.max(used(&stack, self.size));
        } else {
            self.spare.push(stack);
        }
    }

    /// In metering mode, the deepest use of any stack given back so far,
    /// in bytes: how far below its top the lowest byte a task wrote is.
    pub fn deepest(&self) -> Option<usize> {
        self.metered.then_some(self.deepest)
    }
}

/// How many bytes of a fresh stack a finished coroutine used: a new
/// stack is all zeros (`mmap` gives zeroed memory), so the lowest
/// non-zero byte is as deep as the coroutine went (or a little less, if
/// it wrote zeros there).
#[allow(unsafe_code)]
fn used(stack: &TaskStack, size: usize) -> usize {
    let base = stack.base().get();
    // The top `size` bytes below the base are readable and writable: the
    // stack maps at least `size` bytes above its guard page.
    let low = base - size;
    // SAFETY: [low, base) lies inside the stack's writable mapping (see
    // above), which stays mapped while `stack` is borrowed. The coroutine
    // that ran on it has finished (a stack comes back only through
    // `Coroutine::into_stack`, which requires that), so nothing else reads
    // or writes this memory while the slice lives. Every byte of it has a
    // value: zero from `mmap`, or what the coroutine wrote.
    let bytes = unsafe { std::slice::from_raw_parts(low as *const u8, size) };
    let untouched = bytes.iter().position(|&b| b != 0).unwrap_or(size);
    size - untouched
}

#[cfg(test)]
mod tests {
    use super::*;
    use corosensei::{Coroutine, Yielder};
    use std::hint::black_box;

    /// Runs a coroutine that puts `bytes` on its stack, and measures.
    fn depth_of(bytes: usize) -> usize {
        let mut stacks = Stacks::metered(256 * 1024);
        let stack = stacks.take().unwrap();
        let mut co =
            Coroutine::with_stack(stack, move |_: &Yielder<(), ()>, ()| {
                let buffer = vec![1u8; bytes];
                // On the stack: a copy of the buffer's contents, in chunks of
                // 4 KiB arrays, one frame deeper each.
                fn fill(rest: &[u8]) {
                    let mut chunk = [0u8; 4096];
                    let n = rest.len().min(4096);
                    chunk[..n].copy_from_slice(&rest[..n]);
                    black_box(&mut chunk);
                    if rest.len() > 4096 {
                        fill(&rest[4096..]);
                    }
                }
                fill(&buffer);
            });
        co.resume(());
        stacks.give_back(co.into_stack());
        stacks.deepest().unwrap()
    }

    #[test]
    fn the_meter_sees_how_deep_a_coroutine_went() {
        let shallow = depth_of(4096);
        let deep = depth_of(64 * 1024);
        assert!(shallow >= 4096, "{shallow}");
        assert!(deep >= 64 * 1024, "{deep}");
        assert!(deep > shallow + 56 * 1024, "{shallow} then {deep}");
    }

    #[test]
    fn unmetered_stacks_are_reused() {
        let mut stacks = Stacks::new(16 * 1024);
        let stack = stacks.take().unwrap();
        let base = stack.base();
        stacks.give_back(stack);
        assert_eq!(stacks.take().unwrap().base(), base);
        assert_eq!(stacks.deepest(), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_slab_holds_many_stacks_in_one_memory_map() {
        fn maps() -> usize {
            std::fs::read_to_string("/proc/self/maps")
                .unwrap()
                .lines()
                .count()
        }
        let Ok(mut stacks) = Stacks::slab(16 * 1024, 1000) else {
            return; // a kernel older than 6.13: nothing to check
        };
        let before = maps();
        let mut held = Vec::new();
        for i in 0..1000u32 {
            let stack = stacks.take().unwrap();
            let mut co = Coroutine::with_stack(
                stack,
                move |y: &Yielder<(), u32>, ()| {
                    y.suspend(i);
                    i * 2
                },
            );
            assert!(
                matches!(co.resume(()), corosensei::CoroutineResult::Yield(n) if n == i)
            );
            held.push(co);
        }
        // Other tests may map memory meanwhile; 1,000 default stacks would
        // have added 2,000 maps.
        assert!(maps() < before + 100, "{before} maps, then {}", maps());
        assert!(stacks.take().is_err(), "only 1,000 slots");
        for (i, mut co) in held.into_iter().enumerate() {
            let i = i as u32;
            assert!(
                matches!(co.resume(()), corosensei::CoroutineResult::Return(n) if n == i * 2)
            );
            stacks.give_back(co.into_stack());
        }
        assert!(stacks.take().is_ok(), "slots are reused");
    }
}
