//! Caps on what one client may hold at once, and the process's open-file limit.
//!
//! A [`Slots`] counts what is held per key (an address, a conversation, a staff session)
//! and refuses a new [`Slot`] once a key holds its cap; dropping the slot gives it back.
//! The listener caps TCP connections per address and in total with it
//! ([`crate::listener`]); the live endpoints cap sockets per conversation and per staff
//! session (`web/live`). When a cap is reached only the one asking is refused: everyone
//! else is served as before.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Counts held slots per key, at most `cap` per key and `total` over all keys.
#[derive(Debug)]
pub struct Slots<K: Hash + Eq> {
    cap: usize,
    total: usize,
    held: Mutex<Held<K>>,
}

#[derive(Debug)]
struct Held<K> {
    per_key: HashMap<K, usize>,
    total: usize,
}

/// One held slot; given back when dropped.
#[derive(Debug)]
pub struct Slot<K: Hash + Eq + Clone> {
    slots: Arc<Slots<K>>,
    key: K,
    counted: bool,
}

/// Why a slot was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The key holds its cap already.
    PerKey,
    /// Every slot is taken.
    Total,
}

impl<K: Hash + Eq + Clone> Slots<K> {
    /// At most `cap` slots per key (and no total cap).
    pub fn new(cap: usize) -> Arc<Self> {
        Self::with_total(cap, usize::MAX)
    }

    /// At most `cap` slots per key and `total` in all.
    pub fn with_total(cap: usize, total: usize) -> Arc<Self> {
        Arc::new(Slots {
            cap,
            total,
            held: Mutex::new(Held {
                per_key: HashMap::new(),
                total: 0,
            }),
        })
    }

    /// Takes a slot for `key`, or says why not.
    pub fn take(self: &Arc<Self>, key: K) -> Result<Slot<K>, Refused> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.total >= self.total {
            return Err(Refused::Total);
        }
        let n = held.per_key.entry(key.clone()).or_insert(0);
        if *n >= self.cap {
            return Err(Refused::PerKey);
        }
        *n += 1;
        held.total += 1;
        Ok(Slot {
            slots: Arc::clone(self),
            key,
            counted: true,
        })
    }

    /// A slot that counts towards the total only (for keys exempt from the per-key cap).
    pub fn take_uncapped(self: &Arc<Self>, key: K) -> Result<Slot<K>, Refused> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.total >= self.total {
            return Err(Refused::Total);
        }
        held.total += 1;
        Ok(Slot {
            slots: Arc::clone(self),
            key,
            counted: false,
        })
    }

    /// Slots held for `key` now.
    pub fn held(&self, key: &K) -> usize {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.per_key.get(key).copied().unwrap_or(0)
    }

    /// Slots held in all.
    pub fn total(&self) -> usize {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }
}

impl<K: Hash + Eq + Clone> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut held = self
            .slots
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        held.total = held.total.saturating_sub(1);
        if self.counted
            && let Some(n) = held.per_key.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.per_key.remove(&self.key);
            }
        }
    }
}

/// The key an address is capped under: an IPv4 address, or the /64 network of an IPv6
/// address (one household or device gets a whole /64). An IPv4 address mapped into IPv6
/// counts as that IPv4 address.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

/// Raises the soft limit on open files to the hard limit (every connection, live socket
/// and media port is an open file; the common service default of 1,024 is reached by a
/// few hundred residents). Returns (before, now); `None` where the limit cannot be read.
pub fn raise_open_files() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        let (soft, _hard) = rlimit::Resource::NOFILE.get().ok()?;
        let now = rlimit::increase_nofile_limit(u64::MAX).ok()?;
        Some((soft, now))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The process's soft limit on open files now.
pub fn open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_at_most_its_cap_and_gets_slots_back() {
        let slots = Slots::<u32>::with_total(2, 3);
        let a1 = slots.take(1).unwrap();
        let _a2 = slots.take(1).unwrap();
        assert_eq!(slots.take(1).unwrap_err(), Refused::PerKey);
        let _b = slots.take(2).unwrap();
        assert_eq!(slots.take(3).unwrap_err(), Refused::Total);
        drop(a1);
        assert_eq!(slots.held(&1), 1);
        let _a3 = slots.take(1).unwrap();
        assert_eq!(slots.total(), 3);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
