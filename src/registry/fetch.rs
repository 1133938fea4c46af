//! Getting a registry snapshot's bytes from where it is published: a file, or an `https://`
//! URL (ureq with rustls and the Mozilla root certificates; proxies from `HTTPS_PROXY`,
//! `ALL_PROXY` and `NO_PROXY`), with a size limit and an overall timeout. Plain `http://` is
//! accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`: a mirror or a test
//! server on the same machine), never through a proxy. Nothing here checks what the bytes
//! say: that is [`super::snapshot::verify`].

use std::path::Path;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Location, Result};

/// How a download is bounded.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The whole download (connecting, the request, the response) must end within this.
    pub timeout: Duration,
    /// The largest body accepted, in bytes.
    pub max_bytes: u64,
}

/// The host of an `http://` or `https://` URL (without brackets, port or user info), or `None`
/// when it has none.
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Whether `host` is this machine: `localhost`, an address in 127.0.0.0/8, or `::1`.
pub(crate) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `source` names a URL rather than a file.
pub fn is_url(source: &str) -> bool {
    source.contains("://")
}

fn fail(source: &str, message: String, hint: &str) -> Error {
    Error::at(ErrorKind::Registry, Location::file(source), message).hint(hint.to_string())
}

/// Reads `source`: a file path, or an `https://` (or loopback `http://`) URL.
pub fn fetch(source: &str, limits: Limits) -> Result<Vec<u8>> {
    if !is_url(source) {
        return crate::source::read_regular_file(
            Path::new(source),
            limits.max_bytes,
            "registry snapshot",
            ErrorKind::Registry,
        );
    }
    let host = url_host(source);
    let plain = source.starts_with("http://");
    if !(source.starts_with("https://") || plain) || host.is_none() {
        return Err(fail(
            source,
            "not a file path or an https:// URL".to_string(),
            "name the snapshot file, or its https:// address",
        ));
    }
    let loopback = host.is_some_and(is_loopback);
    if plain && !loopback {
        return Err(fail(
            source,
            "plain http:// is accepted only from this machine (localhost, 127.0.0.1, [::1])"
                .to_string(),
            "use the https:// address of the snapshot, or download it another way and pass the file",
        ));
    }
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .https_only(!plain)
        .user_agent(format!("tvcheck/{}", env!("CARGO_PKG_VERSION")));
    if loopback {
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let secs = limits.timeout.as_secs_f64();
    let network = |e: ureq::Error| -> Error {
        let (message, hint) = match &e {
            ureq::Error::Timeout(_) => (
                format!("the download did not finish within {secs} s"),
                "try again later, or raise --timeout; nothing was imported or used",
            ),
            ureq::Error::StatusCode(code) => (
                format!("the server answered HTTP {code}"),
                "check the address with the publisher; nothing was imported or used",
            ),
            ureq::Error::BodyExceedsLimit(_) => (
                format!(
                    "the snapshot is larger than {}",
                    crate::source::size_text(limits.max_bytes)
                ),
                "a registry snapshot is far smaller: check the address with the publisher; nothing was imported or used",
            ),
            other => (
                format!("cannot download the snapshot: {other}"),
                "check the address and the network (proxies come from HTTPS_PROXY, ALL_PROXY and NO_PROXY); nothing was imported or used",
            ),
        };
        fail(source, message, hint)
    };
    let mut response = agent.get(source).call().map_err(network)?;
    if let Some(len) = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > limits.max_bytes {
            return Err(fail(
                source,
                format!(
                    "the snapshot is larger than {} (the server says {len} bytes)",
                    crate::source::size_text(limits.max_bytes)
                ),
                "a registry snapshot is far smaller: check the address with the publisher; nothing was imported or used",
            ));
        }
    }
    response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(network)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_found() {
        assert_eq!(url_host("https://example.org/a.tvreg"), Some("example.org"));
        assert_eq!(url_host("http://127.0.0.1:8080/x"), Some("127.0.0.1"));
        assert_eq!(url_host("http://u:p@localhost:1/x"), Some("localhost"));
        assert_eq!(url_host("http://[::1]:99/x"), Some("::1"));
        assert_eq!(
            url_host("http://evil.example@127.0.0.1/"),
            Some("127.0.0.1")
        );
        assert_eq!(url_host("https:///x"), None);
        assert!(is_loopback("127.0.0.1") && is_loopback("::1") && is_loopback("LOCALHOST"));
        assert!(!is_loopback("127.0.0.1.example.org") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn plain_http_elsewhere_is_refused_before_any_connection() {
        let limits = Limits {
            timeout: Duration::from_secs(1),
            max_bytes: 10,
        };
        let e = fetch("http://example.org/s.tvreg", limits).unwrap_err();
        assert!(e.to_string().contains("only from this machine"), "{e}");
        let e = fetch("ftp://example.org/s.tvreg", limits).unwrap_err();
        assert!(e.to_string().contains("https:// URL"), "{e}");
    }
}
