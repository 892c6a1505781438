//! Input validation for everything a client can send into the SFU: SDP answers,
//! trickled ICE candidates and participant ids. Runs before anything reaches webrtc-rs.

use super::SfuError;

/// Largest SDP accepted from a client.
pub const MAX_SDP_BYTES: usize = 64 * 1024;
/// Largest ICE candidate line (or `sdpMid`) accepted from a client.
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// Longest participant id.
pub const MAX_ID_BYTES: usize = 64;
/// Longest display label.
pub const MAX_LABEL_BYTES: usize = 1024;

/// Checks an SDP blob: size, `v=0` prefix, printable ASCII plus CR/LF (and tab) only.
pub fn sdp(sdp: &str) -> Result<(), SfuError> {
    if sdp.len() > MAX_SDP_BYTES {
        return Err(SfuError::TooLarge);
    }
    if !sdp.starts_with("v=0") {
        return Err(SfuError::InvalidSdp("must start with v=0".into()));
    }
    if let Some(b) = sdp
        .bytes()
        .find(|b| !(matches!(b, b'\r' | b'\n' | b'\t') || (0x20..0x7f).contains(b)))
    {
        return Err(SfuError::InvalidSdp(format!(
            "byte 0x{b:02x} is not printable ASCII"
        )));
    }
    Ok(())
}

/// Checks a trickled candidate. An empty candidate means end-of-candidates.
pub fn candidate(candidate: &str, sdp_mid: Option<&str>) -> Result<(), SfuError> {
    if candidate.len() > MAX_CANDIDATE_BYTES || sdp_mid.is_some_and(|m| m.len() > 64) {
        return Err(SfuError::TooLarge);
    }
    if !candidate.is_empty() && !candidate.starts_with("candidate:") {
        return Err(SfuError::InvalidCandidate(
            "must start with candidate:".into(),
        ));
    }
    let printable = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !printable(candidate) || !sdp_mid.is_none_or(printable) {
        return Err(SfuError::InvalidCandidate(
            "only printable ASCII is allowed".into(),
        ));
    }
    Ok(())
}

/// Checks a participant id: 1..=64 bytes of `[A-Za-z0-9._:-]` (it ends up in SDP msid
/// and data channel labels) and a label of printable text without control characters.
pub fn participant(id: &str, label: &str) -> Result<(), SfuError> {
    let id_ok = !id.is_empty()
        && id.len() <= MAX_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if !id_ok {
        return Err(SfuError::InvalidParticipant(
            "id must be 1..=64 chars of [A-Za-z0-9._:-]".into(),
        ));
    }
    if label.len() > MAX_LABEL_BYTES || label.chars().any(char::is_control) {
        return Err(SfuError::InvalidParticipant(
            "label too long or has control characters".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdp_rules() {
        assert!(sdp("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n").is_ok());
        assert!(matches!(sdp("x=0"), Err(SfuError::InvalidSdp(_))));
        assert!(matches!(sdp("v=0\r\n\u{7f}"), Err(SfuError::InvalidSdp(_))));
        assert!(matches!(sdp("v=0\r\né"), Err(SfuError::InvalidSdp(_))));
        let big = format!("v=0\r\n{}", "a".repeat(MAX_SDP_BYTES));
        assert!(matches!(sdp(&big), Err(SfuError::TooLarge)));
    }

    #[test]
    fn candidate_rules() {
        assert!(candidate("", None).is_ok());
        assert!(candidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host", Some("0")).is_ok());
        assert!(matches!(
            candidate("a=candidate:1", None),
            Err(SfuError::InvalidCandidate(_))
        ));
        assert!(matches!(
            candidate("candidate:\n", None),
            Err(SfuError::InvalidCandidate(_))
        ));
        let big = format!("candidate:{}", "1".repeat(MAX_CANDIDATE_BYTES));
        assert!(matches!(candidate(&big, None), Err(SfuError::TooLarge)));
    }

    #[test]
    fn participant_rules() {
        assert!(participant("staff-7", "Anna").is_ok());
        assert!(participant("", "x").is_err());
        assert!(participant("a b", "x").is_err());
        assert!(participant("a", "x\ny").is_err());
    }
}
