//! Property-based fuzzing (issue "Prove it holds"): the WebSocket protocol decoder, the
//! call signalling checks that run before webrtc-rs, and the form parsers take arbitrary
//! input without panicking, and what they accept obeys their rules. Each property runs
//! `CASES` generated inputs (plus proptest's shrinking on failure); with `FUZZ_CASES` set
//! higher the same tests run longer.

use loket::i18n::{Lang, T};
use loket::protocol::{self, ResidentFrame, StaffFrame};
use loket::sfu::validate;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// JSON-ish text: real frame shapes with mutated fields, and plain garbage.
fn frame_text() -> impl Strategy<Value = String> {
    let kinds = prop::sample::select(vec![
        "resume",
        "send",
        "typing",
        "leave",
        "ping",
        "call_join",
        "call_answer",
        "call_candidate",
        "call_leave",
        "presence",
        "accept",
        "decline",
        "end",
        "nonsense",
    ]);
    let value = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        ".{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]".to_string()),
        Just("{\"a\":{\"b\":{\"c\":{}}}}".to_string()),
    ];
    let field = prop::sample::select(vec![
        "after",
        "client_id",
        "body",
        "active",
        "conversation",
        "sdp",
        "candidate",
        "sdp_mid",
        "sdp_mline_index",
        "presence",
    ]);
    prop_oneof![
        (kinds, prop::collection::vec((field, value), 0..5)).prop_map(|(k, fields)| {
            let mut s = format!("{{\"type\":\"{k}\"");
            for (f, v) in fields {
                s.push_str(&format!(",\"{f}\":{v}"));
            }
            s.push('}');
            s
        }),
        ".{0,200}",
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn protocol_decoder_never_panics(text in frame_text()) {
        // Either a frame or a typed error with a message; never a panic.
        match protocol::decode::<ResidentFrame>(&text, protocol::RESIDENT_TYPES) {
            Ok(_) => {}
            Err((_code, message)) => prop_assert!(!message.is_empty()),
        }
        match protocol::decode::<StaffFrame>(&text, protocol::STAFF_TYPES) {
            Ok(_) => {}
            Err((_code, message)) => prop_assert!(!message.is_empty()),
        }
    }

    #[test]
    fn signalling_checks_hold_their_rules(sdp in "(v=0\r\n)?[ -~\r\n\t\u{80}-\u{10FFFF}]{0,300}", cand in "(candidate:)?[ -~\u{80}-\u{2FF}]{0,300}", mid in proptest::option::of(".{0,80}")) {
        if validate::sdp(&sdp).is_ok() {
            prop_assert!(sdp.starts_with("v=0"));
            prop_assert!(sdp.len() <= validate::MAX_SDP_BYTES);
            prop_assert!(sdp.bytes().all(|b| b == b'\r' || b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b)));
        }
        if validate::candidate(&cand, mid.as_deref()).is_ok() {
            prop_assert!(cand.is_empty() || cand.starts_with("candidate:"));
            prop_assert!(cand.len() <= validate::MAX_CANDIDATE_BYTES);
            prop_assert!(cand.is_ascii());
        }
    }

    #[test]
    fn oversized_signalling_is_refused(extra in 0usize..4096) {
        let sdp = format!("v=0\r\n{}", "a".repeat(validate::MAX_SDP_BYTES + extra));
        prop_assert!(validate::sdp(&sdp).is_err());
        let cand = format!("candidate:{}", "1".repeat(validate::MAX_CANDIDATE_BYTES + extra));
        prop_assert!(validate::candidate(&cand, None).is_err());
    }

    #[test]
    fn form_parsers_never_panic(text in ".{0,300}") {
        let t = T::new(Lang::Nl);
        let _ = loket::schedule::parse_day(&text);
        let _ = loket::web::staff::opening_hours::parse_exceptions(t, &text);
        if loket::web::form::valid_email(&text) {
            prop_assert!(text.contains('@') && !text.contains(' ') && text.len() <= 254);
        }
        if let Some(p) = loket::web::form::normal_phone(&text) {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            prop_assert!((8..=15).contains(&digits));
        }
        if let Ok(body) = protocol::clean_message(&text, 2000) {
            prop_assert!(!body.trim().is_empty());
            prop_assert!(body.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }
        prop_assert!(protocol::valid_client_id(&text) == (!text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')));
    }
}
