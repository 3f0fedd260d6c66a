//! One memory budget for all the decodings in flight in the process.
//!
//! [`DecodeLimits`](crate::decode::DecodeLimits) bound one image; a scan with many workers (the
//! CLI's `--jobs`, the bench, the desk's worker) would multiply that bound by the number of
//! workers. Each decoding therefore takes its share of [`PROCESS`] first, sized from the header's
//! dimensions, and gives it back when done: a worker whose image does not fit waits for others to
//! finish instead of allocating.

use std::sync::{Condvar, Mutex, PoisonError};

/// Bytes of decoding the whole process may have in flight: two decodings at the per-image
/// allocation limit (`DecodeLimits::default().max_alloc_bytes`, 1 GiB).
pub const PROCESS_DECODE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The budget every decoding in this process shares.
pub static PROCESS: DecodeBudget = DecodeBudget::new(PROCESS_DECODE_BYTES);

/// A counting semaphore on bytes of decoding memory.
#[derive(Debug)]
pub struct DecodeBudget {
    capacity: u64,
    in_use: Mutex<u64>,
    freed: Condvar,
}

/// A share of a [`DecodeBudget`], given back when dropped.
#[derive(Debug)]
#[must_use = "the share is given back as soon as it is dropped"]
pub struct DecodePermit<'a> {
    budget: &'a DecodeBudget,
    bytes: u64,
}

impl DecodeBudget {
    /// A budget of `capacity` bytes, none in use.
    #[must_use]
    pub const fn new(capacity: u64) -> Self {
        Self { capacity, in_use: Mutex::new(0), freed: Condvar::new() }
    }

    /// The budget's size in bytes.
    #[must_use]
    pub const fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes currently held by permits.
    #[must_use]
    pub fn in_use(&self) -> u64 {
        *self.in_use.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `bytes` fit beside what is in flight, and takes them. A request larger than
    /// the whole budget takes the whole budget (it then runs alone) rather than waiting forever;
    /// the per-image limits are what refuse such an image.
    pub fn acquire(&self, bytes: u64) -> DecodePermit<'_> {
        let bytes = bytes.min(self.capacity);
        let mut in_use = self.in_use.lock().unwrap_or_else(PoisonError::into_inner);
        while *in_use + bytes > self.capacity {
            in_use = self.freed.wait(in_use).unwrap_or_else(PoisonError::into_inner);
        }
        *in_use += bytes;
        DecodePermit { budget: self, bytes }
    }
}

impl DecodePermit<'_> {
    /// The bytes this permit holds.
    #[must_use]
    pub const fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for DecodePermit<'_> {
    fn drop(&mut self) {
        let mut in_use = self.budget.in_use.lock().unwrap_or_else(PoisonError::into_inner);
        *in_use = in_use.saturating_sub(self.bytes);
        drop(in_use);
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn workers_wait_for_room_and_the_budget_is_never_exceeded() {
        let budget = DecodeBudget::new(100);
        let peak = AtomicU64::new(0);
        let running = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for worker in 0..8u64 {
                let (budget, peak, running) = (&budget, &peak, &running);
                scope.spawn(move || {
                    for round in 0..5u64 {
                        let want = 30 + (worker * 7 + round * 11) % 40;
                        let permit = budget.acquire(want);
                        let now = running.fetch_add(permit.bytes(), Ordering::SeqCst) + permit.bytes();
                        peak.fetch_max(now, Ordering::SeqCst);
                        assert!(budget.in_use() <= budget.capacity());
                        std::thread::sleep(Duration::from_millis(2));
                        running.fetch_sub(permit.bytes(), Ordering::SeqCst);
                    }
                });
            }
        });
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 100, "{peak} bytes were in flight, more than the budget");
        // Requests of 30 to 69 bytes: at times two fit at once, so workers did run side by side.
        assert!(peak >= 60, "the budget should let small requests run together (peak {peak})");
        assert_eq!(budget.in_use(), 0, "every permit was given back");
    }

    #[test]
    fn a_worker_waits_until_a_share_is_given_back() {
        let budget = DecodeBudget::new(10);
        let first = budget.acquire(8);
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let second = budget.acquire(5);
                sender.send(second.bytes()).unwrap();
            });
            assert!(receiver.recv_timeout(Duration::from_millis(100)).is_err(), "5 bytes do not fit beside 8 of 10");
            drop(first);
            assert_eq!(receiver.recv_timeout(Duration::from_secs(10)).unwrap(), 5);
        });
    }

    #[test]
    fn a_request_larger_than_the_budget_runs_alone_instead_of_waiting_forever() {
        let budget = DecodeBudget::new(10);
        let permit = budget.acquire(50);
        assert_eq!(permit.bytes(), 10);
        assert_eq!(budget.in_use(), 10);
        drop(permit);
        assert_eq!(budget.in_use(), 0);
    }
}
