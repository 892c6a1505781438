//! Reference data kept in memory: the topics, FAQ entries and opening hours that every
//! public page shows. Without it the home page made five SQLite queries per view (each a
//! round trip to a connection thread); with it, none while the copy is fresh.
//!
//! A copy is dropped when the same store changes it, and in any case after
//! [`FRESH_FOR`], so a change made by another process on the same database (the `loket`
//! command, a second server) shows within that time.

use super::{Faq, Topic};
use crate::schedule::Schedule;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a copy is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// One cached value and when it was read.
#[derive(Debug)]
struct Entry<T> {
    at: Instant,
    value: T,
}

#[derive(Debug, Default)]
struct Entries {
    topics: Option<Entry<Vec<Topic>>>,
    faqs: Option<Entry<Vec<Faq>>>,
    schedules: Option<Entry<HashMap<i64, Schedule>>>,
}

/// Which value.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Topics,
    Faqs,
    Schedules,
}

#[derive(Debug, Default)]
pub struct Cache {
    entries: Mutex<Entries>,
}

fn fresh<T: Clone>(e: &Option<Entry<T>>) -> Option<T> {
    e.as_ref()
        .filter(|e| e.at.elapsed() < FRESH_FOR)
        .map(|e| e.value.clone())
}

impl Cache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn topics(&self) -> Option<Vec<Topic>> {
        fresh(&self.entries().topics)
    }

    pub fn faqs(&self) -> Option<Vec<Faq>> {
        fresh(&self.entries().faqs)
    }

    pub fn schedules(&self) -> Option<HashMap<i64, Schedule>> {
        fresh(&self.entries().schedules)
    }

    pub fn put_topics(&self, value: Vec<Topic>) {
        self.entries().topics = Some(Entry {
            at: Instant::now(),
            value,
        });
    }

    pub fn put_faqs(&self, value: Vec<Faq>) {
        self.entries().faqs = Some(Entry {
            at: Instant::now(),
            value,
        });
    }

    pub fn put_schedules(&self, value: HashMap<i64, Schedule>) {
        self.entries().schedules = Some(Entry {
            at: Instant::now(),
            value,
        });
    }

    /// Forgets a value after this store changed it.
    pub fn forget(&self, kind: Kind) {
        let mut e = self.entries();
        match kind {
            Kind::Topics => e.topics = None,
            Kind::Faqs => e.faqs = None,
            Kind::Schedules => e.schedules = None,
        }
    }
}
