//! Input validation for everything a client can send into the SFU: SDP answers,
//! trickled ICE candidates and participant ids. Runs before anything reaches webrtc-rs.

use super::SfuError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which addresses a client's ICE candidates may name: the server sends connectivity
/// checks to every candidate it accepts, so a resident could otherwise make it probe
/// any address (200 ports in 15 s, the cloud metadata address 169.254.169.254 among
/// them). Never allowed: link-local (169.254.0.0/16, fe80::/10, which holds the metadata
/// address), unspecified, multicast, broadcast, reserved and "this network" addresses,
/// and names (mDNS `.local` or any other; the server resolves none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidatePolicy {
    /// Loopback addresses (same-machine demos and tests: `media.include_loopback`).
    pub loopback: bool,
    /// Private and shared ranges: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.
    pub private: bool,
}

impl CandidatePolicy {
    /// Whether connectivity checks may go to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.allows_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.allows_v4(v4),
                None => self.allows_v6(v6),
            },
        }
    }

    fn allows_v4(&self, ip: Ipv4Addr) -> bool {
        let [a, b, ..] = ip.octets();
        if ip.is_loopback() {
            return self.loopback;
        }
        let never = ip.is_unspecified()
            || ip.is_link_local()
            || ip.is_multicast()
            || ip.is_broadcast()
            || a == 0
            || a >= 240;
        if never {
            return false;
        }
        let shared = a == 100 && (64..128).contains(&b);
        if ip.is_private() || shared {
            return self.private;
        }
        true
    }

    fn allows_v6(&self, ip: Ipv6Addr) -> bool {
        let first = ip.segments()[0];
        if ip.is_loopback() {
            return self.loopback;
        }
        let link_local = first & 0xffc0 == 0xfe80;
        if ip.is_unspecified() || ip.is_multicast() || link_local {
            return false;
        }
        let unique_local = first & 0xfe00 == 0xfc00;
        if unique_local {
            return self.private;
        }
        true
    }

    /// Whether a candidate line (`candidate:... <address> <port> typ ...`, with or without
    /// the `a=` of an SDP) names an allowed address. An end-of-candidates (empty) is.
    pub fn allows_candidate(&self, candidate: &str) -> bool {
        let line = candidate.trim().trim_start_matches("a=");
        if line.is_empty() {
            return true;
        }
        match line.split_whitespace().nth(4).map(str::parse::<IpAddr>) {
            Some(Ok(ip)) => self.allows(ip),
            _ => false,
        }
    }

    /// The SDP without the `a=candidate` lines that name an address not allowed.
    pub fn strip_sdp(&self, sdp: &str) -> String {
        let mut out = String::with_capacity(sdp.len());
        for line in sdp.split_inclusive('\n') {
            let text = line.trim_end_matches(['\r', '\n']);
            if text.starts_with("a=candidate:") && !self.allows_candidate(text) {
                continue;
            }
            out.push_str(line);
        }
        out
    }
}

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
    fn candidate_addresses_the_configuration_excludes_are_refused() {
        let strict = CandidatePolicy {
            loopback: false,
            private: false,
        };
        let c = |addr: &str| format!("candidate:1 1 udp 2122260223 {addr} 50000 typ host");
        for never in [
            "169.254.169.254",
            "169.254.1.1",
            "fe80::1",
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::ffff:169.254.169.254",
            "ff02::1",
            "abcd-1234.local",
            "metadata.google.internal",
        ] {
            let open = CandidatePolicy {
                loopback: true,
                private: true,
            };
            assert!(!open.allows_candidate(&c(never)), "{never}");
        }
        for private in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.10",
            "100.64.0.1",
            "fd00::1",
        ] {
            assert!(!strict.allows_candidate(&c(private)), "{private}");
            let lan = CandidatePolicy {
                loopback: false,
                private: true,
            };
            assert!(lan.allows_candidate(&c(private)), "{private}");
        }
        assert!(!strict.allows_candidate(&c("127.0.0.1")));
        assert!(!strict.allows_candidate(&c("::1")));
        let tests = CandidatePolicy {
            loopback: true,
            private: false,
        };
        assert!(tests.allows_candidate(&c("127.0.0.1")));
        assert!(strict.allows_candidate(&c("203.0.113.7")));
        assert!(strict.allows_candidate(&c("2001:db8::7")));
        assert!(strict.allows_candidate(""));
        let sdp = format!(
            "v=0\r\na={}\r\na={}\r\na=mid:0\r\n",
            c("169.254.169.254"),
            c("203.0.113.7")
        );
        let kept = strict.strip_sdp(&sdp);
        assert!(!kept.contains("169.254.169.254"));
        assert!(kept.contains("203.0.113.7") && kept.ends_with("a=mid:0\r\n"));
    }

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
