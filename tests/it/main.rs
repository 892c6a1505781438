//! Loket's integration tests, as one test binary: each module drives the real server (or
//! the real `loket` command) from outside, the way residents, staff and administrators
//! use it; `common` is the shared harness (a server on an ephemeral port with its own
//! SQLite file, HTTP clients with cookie jars, WebSocket clients).
//!
//! One binary rather than one per file, so the server and its dependencies are linked
//! once instead of once per area. One area runs with `cargo test --test it chat::`, one
//! test with its full name (`cargo test --test it chat::chat_works_without_javascript`).

mod common;

mod access;
mod board;
mod calls;
mod chat;
mod cli;
mod console;
mod crash;
mod faults;
mod flood;
mod front_door;
mod front_door_topic;
mod fuzz;
mod hostile;
mod https;
mod kiosk;
mod limits;
mod login_abuse;
mod logs;
mod media_reach;
mod messages;
mod opening_hours;
mod privacy;
mod redact;
mod reports;
mod rtt_limits;
mod sessions;
mod sign_video;
mod survey;
