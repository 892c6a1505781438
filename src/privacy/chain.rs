//! The access log's hash chain: each entry carries the hash of the entry before it and a
//! hash of itself over both, so an entry changed, removed or put in between breaks the
//! chain from that point, and [`verify`] names the first entry that does not fit.
//!
//! Pure: the store keeps the entries (append-only) and calls [`seal`] before each insert
//! and [`verify`] for `loket privacy verify-log`.

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// What one access-log entry says, in the fields the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub user_id: Option<i64>,
    pub role: &'a str,
    pub action: &'a str,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    /// A hash of the session (never the session token).
    pub session: &'a str,
    pub detail: &'a str,
}

/// The hash of an entry that follows `prev`.
pub fn seal(prev: &[u8; 32], f: &Fields<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"loket-access-log-v1");
    h.update(prev);
    h.update(f.id.to_be_bytes());
    h.update(f.at.to_be_bytes());
    for n in [f.user_id, f.conversation_id, f.inbox_id] {
        match n {
            Some(v) => {
                h.update([1]);
                h.update(v.to_be_bytes());
            }
            None => h.update([0]),
        }
    }
    for s in [f.role, f.action, f.session, f.detail] {
        // Length first, so that no two different field lists hash the same bytes.
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    h.finalize().into()
}

/// A stored entry: its fields, the previous hash it names and its own hash.
#[derive(Debug, Clone)]
pub struct Stored<'a> {
    pub fields: Fields<'a>,
    pub prev: [u8; 32],
    pub hash: [u8; 32],
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// The entry names a previous hash other than the hash of the entry before it.
    Link { id: i64 },
    /// The entry's own hash does not match its fields.
    Content { id: i64 },
}

/// Checks entries in order, starting after `start` (the [`GENESIS`], or the hash of the
/// last entry that retention removed, which the store keeps); `Ok(count)` or the first
/// broken entry.
pub fn verify<'a>(
    start: [u8; 32],
    entries: impl IntoIterator<Item = Stored<'a>>,
) -> Result<u64, Broken> {
    let mut prev = start;
    let mut n = 0;
    for e in entries {
        if e.prev != prev {
            return Err(Broken::Link { id: e.fields.id });
        }
        if seal(&prev, &e.fields) != e.hash {
            return Err(Broken::Content { id: e.fields.id });
        }
        prev = e.hash;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(details: &[&'static str]) -> Vec<Stored<'static>> {
        let mut prev = GENESIS;
        details
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let fields = Fields {
                    id: i as i64 + 1,
                    at: 1_700_000_000 + i as i64,
                    user_id: Some(7),
                    role: "privacy",
                    action: "view",
                    conversation_id: Some(42),
                    inbox_id: None,
                    session: "s",
                    detail: d,
                };
                let hash = seal(&prev, &fields);
                let e = Stored { fields, prev, hash };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(GENESIS, chain(&["a", "b", "c"])), Ok(3));
        assert_eq!(verify(GENESIS, Vec::new()), Ok(0));
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut c = chain(&["a", "b", "c"]);
        c[1].fields.detail = "B";
        assert_eq!(verify(GENESIS, c), Err(Broken::Content { id: 2 }));
    }

    #[test]
    fn a_removed_entry_breaks_the_next_link() {
        let mut c = chain(&["a", "b", "c"]);
        c.remove(1);
        assert_eq!(verify(GENESIS, c), Err(Broken::Link { id: 3 }));
    }

    #[test]
    fn a_resealed_entry_still_breaks_the_next_link() {
        let mut c = chain(&["a", "b", "c"]);
        c[1].fields.action = "erase";
        c[1].hash = seal(&c[1].prev, &c[1].fields);
        assert_eq!(verify(GENESIS, c), Err(Broken::Link { id: 3 }));
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        let c = chain(&["x"]);
        let mut a = c[0].fields.clone();
        let mut b = c[0].fields.clone();
        (a.role, a.action) = ("ab", "c");
        (b.role, b.action) = ("a", "bc");
        assert_ne!(seal(&GENESIS, &a), seal(&GENESIS, &b));
        let mut none = c[0].fields.clone();
        none.inbox_id = Some(0);
        assert_ne!(seal(&GENESIS, &none), seal(&GENESIS, &c[0].fields));
    }

    #[test]
    fn a_chain_continues_after_retention_from_its_anchor() {
        let c = chain(&["a", "b", "c"]);
        let anchor = c[0].hash;
        assert_eq!(verify(anchor, c.into_iter().skip(1)), Ok(2));
    }
}
