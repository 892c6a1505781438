//! Any text a client can send on either socket: decoding never panics (libFuzzer stops
//! on a panic and keeps the input).
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket::protocol::{self, ResidentFrame, StaffFrame};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = protocol::decode::<ResidentFrame>(&text, protocol::RESIDENT_TYPES);
    let _ = protocol::decode::<StaffFrame>(&text, protocol::STAFF_TYPES);
});
