//! What counts as inside the box: loopback, unspecified, link-local (where a cloud host's
//! metadata service answers, 169.254.169.254) and `localhost` names. A relay reaches such a
//! place only when the station's own source is there (issue #31, finding 10).

use std::net::IpAddr;

/// An address of the box itself or of its link.
pub fn ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_link_local() || ip.is_unspecified(),
        IpAddr::V6(ip) => {
            let mapped = ip
                .to_ipv4_mapped()
                .is_some_and(|v4| v4.is_loopback() || v4.is_link_local() || v4.is_unspecified());
            ip.is_loopback() || ip.is_unspecified() || (ip.segments()[0] & 0xffc0) == 0xfe80 || mapped
        }
    }
}

/// A host as written in an address (a name or a literal, IPv6 in brackets or not).
pub fn host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    match host.parse::<IpAddr>() {
        Ok(a) => ip(a),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// Whether `url` names the box or its link, by its host as written.
pub fn url(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_and_its_link_are_inside_and_the_rest_is_not() {
        for h in [
            "127.0.0.1",
            "127.3.0.9",
            "169.254.169.254",
            "0.0.0.0",
            "[::1]",
            "::ffff:127.0.0.1",
            "fe80::1",
            "LOCALHOST",
            "a.localhost",
        ] {
            assert!(host(h), "{h}");
        }
        for h in ["vov.vn", "10.0.0.5", "192.168.1.10", "203.162.4.190", "[2001:db8::1]"] {
            assert!(!host(h), "{h}");
        }
    }
}
