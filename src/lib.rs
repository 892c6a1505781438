//! Loket: an accessible contact portal and sign-language video gateway for public
//! organisations.
//!
//! Where things live:
//! - [`broker`]: the session broker, a pure state machine (queues, presence, capacity,
//!   offers, routing, wait estimates). No I/O; time is passed in.
//! - [`domain`]: the contact centre's words as types (origin, skill, request status).
//! - [`hub`]: drives the broker from one task, and fans events out to live connections.
//! - [`store`]: everything on disk (SQLite through sqlx), behind one type.
//! - [`web`]: HTTP pages, forms and WebSocket endpoints (axum, askama templates).
//! - [`protocol`]: the versioned JSON WebSocket protocol (see `docs/protocol.md`).
//! - [`auth`]: passwords, tokens, CSRF, login throttling.
//! - [`i18n`]: Dutch and English text.
//! - [`config`]: `loket.toml` and environment variables.
//! - [`mail`]: e-mail out through the site's SMTP relay (answers to left messages).
//! - [`sfu`]: the media forwarder of video calls (WebRTC, webrtc-rs): receives each
//!   participant's audio, video and real-time text and forwards them to the others.
//! - [`insight`]: the contact event log turned into reports: figures with their
//!   definitions, periods in local time, CSV.
//! - [`schedule`]: opening hours (weekly spans plus dated exceptions, Europe/Amsterdam).
//! - [`server`]: start-up, first-run admin account, demo data, clean shutdown.

pub mod auth;
pub mod broker;
pub mod config;
pub mod domain;
pub mod hub;
pub mod i18n;
pub mod insight;
pub mod limits;
pub mod listener;
pub mod mail;
pub mod privacy;
pub mod protocol;
pub mod schedule;
pub mod server;
pub mod sfu;
pub mod store;
pub mod web;
