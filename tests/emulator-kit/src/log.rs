//! The bounded request log an emulator keeps for inspection by tests.

use std::collections::VecDeque;

/// How many entries the log keeps; older ones are dropped.
pub const LOG_CAPACITY: usize = 10_000;

/// A log entry that takes its sequence number when it is appended.
pub trait Numbered: Clone {
    /// Sets the entry's sequence number (from 1).
    fn number(&mut self, seq: u64);
}

/// The bounded request log.
#[derive(Debug)]
pub struct Log<E> {
    entries: VecDeque<E>,
    next_seq: u64,
}

impl<E> Default for Log<E> {
    fn default() -> Self {
        Log {
            entries: VecDeque::new(),
            next_seq: 0,
        }
    }
}

impl<E: Numbered> Log<E> {
    /// Appends an entry, giving it the next sequence number.
    pub fn push(&mut self, mut entry: E) {
        self.next_seq += 1;
        entry.number(self.next_seq);
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// All kept entries, oldest first.
    pub fn entries(&self) -> Vec<E> {
        self.entries.iter().cloned().collect()
    }

    /// Forgets all entries (sequence numbers go on).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Entry(u64);

    impl Numbered for Entry {
        fn number(&mut self, seq: u64) {
            self.0 = seq;
        }
    }

    #[test]
    fn entries_are_numbered_kept_bounded_and_numbering_survives_a_clear() {
        let mut log = Log::default();
        for _ in 0..LOG_CAPACITY + 2 {
            log.push(Entry(0));
        }
        let entries = log.entries();
        assert_eq!(entries.len(), LOG_CAPACITY);
        assert_eq!(entries[0], Entry(3));
        log.clear();
        log.push(Entry(0));
        assert_eq!(log.entries(), vec![Entry(LOG_CAPACITY as u64 + 3)]);
    }
}
