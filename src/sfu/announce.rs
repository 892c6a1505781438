//! The server's own ICE candidates as clients should see them. Behind a 1:1 NAT (a cloud
//! host, a firewall that maps a public address onto the media server) the sockets are
//! bound to a private address, and browsers must be told the public one instead:
//! `media.public_ips`. webrtc-rs 0.21 stores its "NAT 1:1" setting but never applies it
//! (its host candidates are always the bound addresses), so Loket rewrites the address of
//! each host candidate it signals, keeping port, priority and everything else.

use std::net::IpAddr;

/// The candidate lines to signal for one of the server's own candidates: with public
/// addresses configured, a host candidate becomes one line per public address of the same
/// family (in the configured order); anything else (end-of-candidates, other types, a
/// family without a public address) is signalled as it is.
pub fn announced(candidate: &str, public_ips: &[IpAddr]) -> Vec<String> {
    let fields: Vec<&str> = candidate.split(' ').collect();
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    let is_host = fields.len() >= 8 && fields[6] == "typ" && fields[7] == "host";
    let Some(local) = is_host.then(|| fields[4].parse::<IpAddr>().ok()).flatten() else {
        return vec![candidate.to_owned()];
    };
    let mapped: Vec<String> = public_ips
        .iter()
        .filter(|ip| ip.is_ipv4() == local.is_ipv4())
        .enumerate()
        .map(|(i, ip)| {
            let mut f: Vec<String> = fields.iter().map(|s| (*s).to_owned()).collect();
            f[4] = ip.to_string();
            if i > 0 {
                // Each announced address is a candidate of its own: its own foundation.
                f[0] = format!("{}{i}", fields[0]);
            }
            f.join(" ")
        })
        .collect();
    if mapped.is_empty() {
        vec![candidate.to_owned()]
    } else {
        mapped
    }
}

/// An SDP of the server's with its `a=candidate` lines announced like trickled ones
/// (a re-offer carries the candidates gathered so far).
pub fn announced_sdp(sdp: &str, public_ips: &[IpAddr]) -> String {
    if public_ips.is_empty() {
        return sdp.to_owned();
    }
    let mut out = String::with_capacity(sdp.len() + 64);
    for line in sdp.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        let Some(candidate) = body.strip_prefix("a=") else {
            out.push_str(line);
            continue;
        };
        if !candidate.starts_with("candidate:") {
            out.push_str(line);
            continue;
        }
        let ending = &line[body.len()..];
        for c in announced(candidate, public_ips) {
            out.push_str("a=");
            out.push_str(&c);
            out.push_str(ending);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "candidate:1966762134 1 udp 2130706431 10.0.0.5 40001 typ host";

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn host_candidates_name_the_public_address_and_keep_the_rest() {
        assert_eq!(
            announced(HOST, &ips(&["203.0.113.7"])),
            vec!["candidate:1966762134 1 udp 2130706431 203.0.113.7 40001 typ host"]
        );
        assert_eq!(
            announced(HOST, &ips(&["203.0.113.7", "2001:db8::7", "198.51.100.9"])),
            vec![
                "candidate:1966762134 1 udp 2130706431 203.0.113.7 40001 typ host",
                "candidate:19667621341 1 udp 2130706431 198.51.100.9 40001 typ host",
            ]
        );
    }

    #[test]
    fn without_a_public_address_of_its_family_a_candidate_is_left_alone() {
        assert_eq!(announced(HOST, &[]), vec![HOST]);
        assert_eq!(announced(HOST, &ips(&["2001:db8::7"])), vec![HOST]);
        let srflx =
            "candidate:2 1 udp 1694498815 198.51.100.1 50000 typ srflx raddr 0.0.0.0 rport 0";
        assert_eq!(announced(srflx, &ips(&["203.0.113.7"])), vec![srflx]);
        assert_eq!(announced("", &ips(&["203.0.113.7"])), vec![""]);
    }

    #[test]
    fn a_re_offer_announces_its_candidate_lines_and_keeps_every_other_line() {
        let sdp = format!("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na={HOST}\r\na=mid:1\r\n");
        assert_eq!(
            announced_sdp(&sdp, &ips(&["203.0.113.7"])),
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n\
             a=candidate:1966762134 1 udp 2130706431 203.0.113.7 40001 typ host\r\na=mid:1\r\n"
        );
        assert_eq!(announced_sdp(&sdp, &[]), sdp);
    }
}
