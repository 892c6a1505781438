//! Pages for staff: everything behind a login. Each route takes a
//! [`StaffUser`](crate::web::StaffUser) (or a [`Supervisor`](crate::web::Supervisor)), so
//! a visitor is sent to the login page and a staff member without the role gets 403; the
//! access tables (`tests/it/access.rs`) decide every route for every role.
//!
//! - [`login`]: sign in and out.
//! - [`console`]: the agent console, its fragments and its forms.
//! - [`call`]: the staff side of a video call.
//! - [`messages`]: "Berichten", the shared list of left messages and their answers.
//! - [`opening_hours`], [`kiosks`], [`short_links`]: supervisors' pages.
//! - [`board`]: the live wallboard (`/staff/overzicht`), reading a conversation from it,
//!   moving a waiting contact, wall screen tokens.
//! - [`privacy`]: the privacy officer's pages (search, export, erase, holds, access log,
//!   retention terms).

pub mod board;
pub mod call;
pub mod console;
pub mod kiosks;
pub mod login;
pub mod messages;
pub mod opening_hours;
pub mod privacy;
pub mod reports;
pub mod short_links;
