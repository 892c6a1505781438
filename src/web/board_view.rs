//! The wallboard as people read it: a [`BoardSnapshot`] from the hub turned into a
//! [`BoardOut`] in the reader's language. The page (`web/staff/board.rs`), its live
//! frame (`web/live/frames.rs`) and the TV mode (`web/tv.rs`) all use [`board_out`],
//! so what is rendered at load and what is pushed later cannot disagree.
//!
//! Levels are always given in words and with an icon beside the colour (never colour
//! alone); the alert texts are what the page's polite live region announces when a
//! threshold is crossed (and only then).

use crate::hub::{Alert, BoardQueue, BoardSnapshot};
use crate::i18n::{Localized, T};
use crate::protocol::{
    BoardAgentOut, BoardAlertOut, BoardContactOut, BoardCountOut, BoardLineOut, BoardOut,
    BoardQueueOut,
};
use crate::store::StaffState;
use chrono::TimeZone;
use chrono_tz::Europe::Amsterdam;

/// Every state, in the order the board lists them.
pub const STATES: [StaffState; 5] = [
    StaffState::Available,
    StaffState::Busy,
    StaffState::WrapUp,
    StaffState::Away,
    StaffState::Offline,
];

/// A state in words.
pub fn state_text(t: T, s: StaffState) -> &'static str {
    t.s(match s {
        StaffState::Available => "board.state_available",
        StaffState::Busy => "board.state_busy",
        StaffState::WrapUp => "board.state_wrap_up",
        StaffState::Away => "board.state_away",
        StaffState::Offline => "board.state_offline",
    })
}

/// A level (`ok`, `warn`, `alert`) in words.
pub fn level_text(t: T, level: &str) -> String {
    t.s(match level {
        "alert" => "board.level_alert",
        "warn" => "board.level_warn",
        _ => "board.level_ok",
    })
    .to_string()
}

/// A percentage with one decimal, Dutch or English style (`82,5` / `82.5`).
fn percent(t: T, share: crate::insight::figures::Share) -> String {
    let text = share.percent_text();
    if t.code() == "nl" {
        text.replace('.', ",")
    } else {
        text
    }
}

/// A target (0 to 1) as a whole or one-decimal percentage.
fn target_percent(t: T, target: f64) -> String {
    let tenths = (target * 1000.0).round() as i64;
    let text = if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    if t.code() == "nl" {
        text.replace('.', ",")
    } else {
        text
    }
}

/// Local `HH:MM:SS`.
pub fn clock(ms: i64) -> String {
    Amsterdam
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A duration as `m:ss` or `u:mm:ss` (the page's script counts on in the same form).
pub fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

fn alert_texts(t: T, a: Alert, queue: &str) -> BoardAlertOut {
    let (text, over) = match a {
        Alert::ServiceLevelBelow => ("board.alert_sl_below", "board.over_sl_below"),
        Alert::WaitOverNorm => ("board.alert_wait_over_norm", "board.over_wait_over_norm"),
        Alert::NobodyAvailable => (
            "board.alert_nobody_available",
            "board.over_nobody_available",
        ),
        Alert::NoInterpreter => ("board.alert_no_interpreter", "board.over_no_interpreter"),
    };
    let shown = t.s(text).to_string();
    BoardAlertOut {
        key: a.key().to_string(),
        announce: t.f("board.announce", &[("queue", &queue), ("what", &shown)]),
        over: t.f("board.announce", &[("queue", &queue), ("what", &t.s(over))]),
        text: shown,
    }
}

fn queue_out(t: T, q: &BoardQueue, interpreters_free: usize) -> BoardQueueOut {
    let name = Localized::new(&q.name_nl, &q.name_en)
        .get(t.lang)
        .to_string();
    let alerts = q.alerts(interpreters_free);
    let level = if alerts.iter().any(|a| *a != Alert::WaitOverNorm) {
        "alert"
    } else if alerts.is_empty() {
        "ok"
    } else {
        "warn"
    };
    let sl = &q.today.service;
    let today = match sl.achieved {
        Some(a) => t.f(
            "board.service_today",
            &[("percent", &percent(t, a)), ("secs", &sl.seconds)],
        ),
        None => t.f("board.service_none", &[("secs", &sl.seconds)]),
    };
    let service = match sl.target {
        Some(target) => t.f(
            "board.service_norm",
            &[("target", &target_percent(t, target)), ("today", &today)],
        ),
        None => today,
    };
    BoardQueueOut {
        id: q.id,
        waiting: q.waiting,
        longest_wait_secs: q.longest_wait_ms / 1000,
        answered: q.today.answered,
        abandoned: q.today.abandoned,
        service,
        level: level.to_string(),
        level_text: level_text(t, level),
        alerts: alerts
            .into_iter()
            .map(|a| alert_texts(t, a, &name))
            .collect(),
        name,
    }
}

/// The board in `t`'s language; `tv`: for a wall screen (no staff names, no contacts).
pub fn board_out(t: T, b: &BoardSnapshot, tv: bool) -> BoardOut {
    let free = b.interpreters.free;
    let queues: Vec<BoardQueueOut> = b.queues.iter().map(|q| queue_out(t, q, free)).collect();
    let secs_since = |at: i64| u64::try_from(b.at.saturating_sub(at) / 1000).unwrap_or(0);
    let agents = if tv {
        Vec::new()
    } else {
        let mut list: Vec<_> = b.staff.iter().collect();
        list.sort_by_key(|s| {
            (
                STATES.iter().position(|x| *x == s.state).unwrap_or(0),
                s.name.to_lowercase(),
            )
        });
        list.into_iter()
            .map(|s| BoardAgentOut {
                id: s.id,
                name: s.name.clone(),
                state: s.state.as_str().to_string(),
                state_text: state_text(t, s.state).to_string(),
                since_secs: s.since.map(secs_since),
            })
            .collect()
    };
    let counts = STATES
        .iter()
        .map(|st| BoardCountOut {
            state: st.as_str().to_string(),
            text: state_text(t, *st).to_string(),
            n: b.staff.iter().filter(|s| s.state == *st).count(),
        })
        .collect();
    let i = b.interpreters;
    let sign_queue = b.queues.iter().any(|q| q.sign_language);
    let interp_level = if !sign_queue || i.free > 0 {
        "ok"
    } else {
        "alert"
    };
    let interpreters = BoardLineOut {
        level: interp_level.to_string(),
        level_text: level_text(t, interp_level),
        text: if i.online == 0 {
            t.s("board.interpreters_none").to_string()
        } else {
            t.f(
                "board.interpreters",
                &[("free", &i.free), ("busy", &i.busy), ("online", &i.online)],
            )
        },
    };
    let v = b.video;
    let video_level = if v.max_connections > 0 && v.connections * 10 >= v.max_connections * 9 {
        "alert"
    } else if v.max_connections > 0 && v.connections * 10 >= v.max_connections * 7 {
        "warn"
    } else {
        "ok"
    };
    let video = BoardLineOut {
        level: video_level.to_string(),
        level_text: level_text(t, video_level),
        text: t.f(
            "board.video",
            &[
                ("calls", &v.calls),
                ("used", &v.connections),
                ("max", &v.max_connections),
            ],
        ),
    };
    let contacts = if tv {
        Vec::new()
    } else {
        b.contacts
            .iter()
            .map(|c| BoardContactOut {
                id: c.id,
                reference: format!("C-{}", c.id),
                queue_id: c.queue_id,
                queue: queues
                    .iter()
                    .find(|q| q.id == c.queue_id)
                    .map(|q| q.name.clone())
                    .unwrap_or_default(),
                waited_secs: secs_since(c.arrived_at),
                state_text: t
                    .s(if c.offered {
                        "board.contact_offered"
                    } else {
                        "board.contact_waiting"
                    })
                    .to_string(),
            })
            .collect()
    };
    BoardOut {
        at: b.at,
        updated: t.f("board.updated", &[("time", &clock(b.at))]),
        queues,
        agents,
        counts,
        interpreters,
        video,
        contacts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(0), "0:00");
        assert_eq!(duration(75), "1:15");
        assert_eq!(duration(3_725), "1:02:05");
    }
}
