//! SDP and ICE candidates as a browser (or an attacker) sends them: the checks that run
//! before anything reaches webrtc-rs never panic, and what they accept keeps their limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket::sfu::validate;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if validate::sdp(&text).is_ok() {
        assert!(text.len() <= validate::MAX_SDP_BYTES);
        assert!(text.starts_with("v=0"));
    }
    let (mid, candidate) = text.split_once('\n').unwrap_or(("0", &text));
    if validate::candidate(candidate, Some(mid)).is_ok() {
        assert!(candidate.len() <= validate::MAX_CANDIDATE_BYTES);
    }
    let _ = validate::participant(mid, candidate);
});
