//! nmap XML scans (`nmap -oX`): every `<host>` of the `<nmaprun>` becomes an item.
//!
//! A host's first IPv4 or IPv6 address is its asset id; its MAC address (`<address
//! addrtype="mac">`, seen by nmap only on the local network segment) goes into the MAC field
//! and nmap's `vendor` guess for it into the vendor; the best OS match (`<osmatch name>`) is
//! the model and its device type (`<osclass type>`) the category. Host names and further
//! addresses are extra columns. A host without a MAC address is still an item, with an empty
//! vendor: the identification uses what there is, and the input's provenance counts such
//! hosts. Hosts nmap reports as down are not equipment seen and are counted, not read;
//! `<hosthint>` elements (nmap's early notices of a host) are passed over, as the `<host>`
//! that follows repeats them.
//!
//! The file is read whole (bounded like JSON) and parsed with quick-xml; malformed XML, a
//! scan cut short (no closing `</nmaprun>`, as when nmap is interrupted) or XML of another
//! kind is an error naming the line and column, never a partial read.

use std::path::Path;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use super::record::non_empty;
use crate::error::{line_col, Error, ErrorKind, Location, Result};
use crate::model::Item;

/// What a scan read produced.
#[derive(Debug)]
pub struct Scan {
    /// One item per host that is up, in file order.
    pub items: Vec<Item>,
    /// Plain-words facts for the input's provenance (hosts without a MAC, hosts down).
    pub notes: Vec<String>,
}

/// Whether the first bytes of a file are those of an nmap XML scan: XML whose root element
/// is `<nmaprun`.
pub(crate) fn looks_nmap(head: &[u8]) -> bool {
    let body = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    let start = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    body[start..].starts_with(b"<")
        && body
            .windows(b"<nmaprun".len())
            .any(|w| w == b"<nmaprun".as_slice())
}

/// A host as it is being read.
#[derive(Default)]
struct Host {
    line: u64,
    up: bool,
    ips: Vec<String>,
    mac: Option<String>,
    mac_vendor: Option<String>,
    hostnames: Vec<String>,
    os: Option<String>,
    device_type: Option<String>,
    /// Inside the first `<osmatch>`.
    in_first_osmatch: bool,
    osmatches: usize,
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> std::result::Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        if a.key.as_ref() == key {
            let raw = std::str::from_utf8(&a.value).map_err(|e| e.to_string())?;
            let v = quick_xml::escape::unescape(raw).map_err(|e| e.to_string())?;
            return Ok(non_empty(&v));
        }
    }
    Ok(None)
}

fn xml_error(path: &Path, text: &str, offset: u64, msg: impl Into<String>) -> Error {
    let (line, col) = line_col(text, usize::try_from(offset).unwrap_or(usize::MAX));
    Error::at(ErrorKind::Inventory, Location::at(path, line, col), msg)
}

/// Reads an nmap XML scan.
pub fn parse(path: &Path, file: &Arc<str>, text: &str) -> Result<Scan> {
    let mut xml = quick_xml::Reader::from_str(text);
    xml.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut host: Option<Host> = None;
    let mut items = Vec::new();
    let mut down = 0usize;
    let mut without_mac = 0usize;
    let mut finished = false;
    loop {
        let at = xml.buffer_position();
        let ev = xml.read_event().map_err(|e| {
            xml_error(
                path,
                text,
                xml.error_position(),
                format!(
                    "invalid XML: {}",
                    crate::error::one_line(&e.to_string())
                ),
            )
            .hint("the scan file is damaged: run nmap again with -oX, and pass the file it writes unchanged")
        })?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                if name == "host" && stack.len() == 1 {
                    if let Some(h) = host.take() {
                        if h.up {
                            if h.mac.is_none() {
                                without_mac += 1;
                            }
                            items.push(host_item(file, h));
                        } else {
                            down += 1;
                        }
                    }
                } else if name == "osmatch" {
                    if let Some(h) = host.as_mut() {
                        h.in_first_osmatch = false;
                    }
                } else if name == "nmaprun" {
                    finished = true;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(e) = start else { continue };
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let bad_attr = |m: String| {
            xml_error(
                path,
                text,
                at,
                format!("invalid XML attribute in <{name}>: {m}"),
            )
            .hint("the scan file is damaged: run nmap again with -oX")
        };
        if stack.is_empty() {
            if name != "nmaprun" || finished {
                return Err(xml_error(
                    path,
                    text,
                    at,
                    format!("XML whose root element is <{name}>, not an nmap scan (<nmaprun>)"),
                )
                .hint("pass the XML that nmap writes with -oX, or an inventory (CSV, JSON, TOML, a workbook)"));
            }
        } else if stack.len() == 1 && name == "host" && !empty {
            host = Some(Host {
                line: line_col(text, usize::try_from(at).unwrap_or(usize::MAX)).0,
                up: true,
                ..Host::default()
            });
        } else if let Some(h) = host.as_mut() {
            let parent = stack.last().map(String::as_str);
            match (parent, name.as_str()) {
                (Some("host"), "status") => {
                    h.up = attr(e, b"state").map_err(bad_attr)?.as_deref() != Some("down");
                }
                (Some("host"), "address") => {
                    let kind = attr(e, b"addrtype").map_err(bad_attr)?;
                    let addr = attr(e, b"addr").map_err(bad_attr)?;
                    match (kind.as_deref(), addr) {
                        (Some("mac"), Some(a)) if h.mac.is_none() => {
                            h.mac = Some(a);
                            h.mac_vendor = attr(e, b"vendor").map_err(bad_attr)?;
                        }
                        (Some("ipv4" | "ipv6"), Some(a)) => h.ips.push(a),
                        _ => {}
                    }
                }
                (Some("hostnames"), "hostname") => {
                    if let Some(n) = attr(e, b"name").map_err(bad_attr)? {
                        if !h.hostnames.contains(&n) {
                            h.hostnames.push(n);
                        }
                    }
                }
                (Some("os"), "osmatch") => {
                    h.osmatches += 1;
                    if h.osmatches == 1 {
                        h.os = attr(e, b"name").map_err(bad_attr)?;
                        h.in_first_osmatch = !empty;
                    }
                }
                (Some("osmatch"), "osclass") if h.in_first_osmatch && h.device_type.is_none() => {
                    h.device_type = attr(e, b"type").map_err(bad_attr)?;
                }
                _ => {}
            }
        }
        if !empty {
            stack.push(name);
        }
    }
    if !finished {
        let open = stack
            .last()
            .map_or("the <nmaprun> element".to_string(), |n| format!("<{n}>"));
        return Err(xml_error(
            path,
            text,
            text.len() as u64,
            if stack.is_empty() {
                "not an nmap scan: the file holds no <nmaprun> element".to_string()
            } else {
                format!("the scan is cut short: the XML ends inside {open}, without the closing </nmaprun>")
            },
        )
        .hint("nmap was interrupted or the file was truncated: run the scan again to its end"));
    }
    let mut notes = Vec::new();
    if without_mac > 0 {
        notes.push(format!(
            "{} of {} {} without a MAC address (nmap sees MAC addresses only on the local network segment): {} read with what nmap reported, no vendor",
            without_mac,
            items.len(),
            if items.len() == 1 { "host" } else { "hosts" },
            if without_mac == 1 { "it is" } else { "they are" },
        ));
    }
    if down > 0 {
        notes.push(format!(
            "{down} {} reported down by nmap: not read",
            if down == 1 { "host" } else { "hosts" }
        ));
    }
    Ok(Scan { items, notes })
}

fn host_item(file: &Arc<str>, h: Host) -> Item {
    let mut ips = h.ips.into_iter();
    let mut extra: Vec<(Arc<str>, String)> = Vec::new();
    let asset_id = ips.next();
    let more: Vec<String> = ips.collect();
    if !more.is_empty() {
        extra.push((Arc::from("other addresses"), more.join(" ")));
    }
    if !h.hostnames.is_empty() {
        extra.push((Arc::from("hostname"), h.hostnames.join(" ")));
    }
    let mut item = Item {
        file: Arc::clone(file),
        line: h.line,
        asset_id,
        vendor: h.mac_vendor.unwrap_or_default(),
        model: h.os,
        category: h.device_type,
        mac: h.mac,
        extra,
        ..Item::default()
    };
    item.check_identifiers();
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Result<Scan> {
        parse(Path::new("scan.xml"), &Arc::from("scan.xml"), text)
    }

    #[test]
    fn hosts_become_items_and_hints_are_passed_over() {
        let s = scan(
            r#"<?xml version="1.0"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap">
<hosthint><status state="up"/><address addr="10.0.0.9" addrtype="ipv4"/></hosthint>
<host><status state="up"/>
<address addr="10.0.0.9" addrtype="ipv4"/>
<address addr="00:18:82:12:34:56" addrtype="mac" vendor="Huawei Technologies"/>
<hostnames><hostname name="bbu-1" type="PTR"/></hostnames>
<os><osmatch name="Linux 5.3 - 5.4" accuracy="96"><osclass type="general purpose"/></osmatch>
<osmatch name="Linux 3.2"><osclass type="router"/></osmatch></os>
</host>
<host><status state="up"/><address addr="::1" addrtype="ipv6"/></host>
<host><status state="down"/><address addr="10.0.0.7" addrtype="ipv4"/></host>
</nmaprun>
"#,
        )
        .unwrap();
        assert_eq!(s.items.len(), 2);
        let a = &s.items[0];
        assert_eq!(a.line, 5);
        assert_eq!(a.asset_id.as_deref(), Some("10.0.0.9"));
        assert_eq!(a.vendor, "Huawei Technologies");
        assert_eq!(a.mac.as_deref(), Some("00:18:82:12:34:56"));
        assert_eq!(a.model.as_deref(), Some("Linux 5.3 - 5.4"));
        assert_eq!(a.category.as_deref(), Some("general purpose"));
        assert_eq!(a.extra, vec![(Arc::from("hostname"), "bbu-1".to_string())]);
        let b = &s.items[1];
        assert_eq!(
            (b.asset_id.as_deref(), b.vendor.as_str()),
            (Some("::1"), "")
        );
        assert!(
            s.notes[0].starts_with("1 of 2 hosts without a MAC address"),
            "{:?}",
            s.notes
        );
        assert_eq!(s.notes[1], "1 host reported down by nmap: not read");
    }

    #[test]
    fn malformed_or_foreign_xml_is_an_error_at_its_place() {
        let e =
            scan("<nmaprun>\n<host><address addr=\"1\" addrtype=\"ipv4\">\n</host>\n</nmaprun>\n")
                .unwrap_err();
        let loc = e.location.clone().unwrap();
        assert_eq!(loc.line, Some(3), "{e}");
        assert!(e.message.starts_with("invalid XML"), "{e}");
        let e = scan("<nmaprun>\n<host><status state=\"up\"/>\n").unwrap_err();
        assert!(e.message.contains("cut short"), "{e}");
        let e = scan("<?xml version=\"1.0\"?>\n<svg/>").unwrap_err();
        assert!(e.message.contains("not an nmap scan"), "{e}");
        assert_eq!(e.location.unwrap().line, Some(2));
        let e =
            scan("<nmaprun><host><address addrtype=\"ipv4\" addr=\"&bogus;\"/></host></nmaprun>")
                .unwrap_err();
        assert!(e.message.contains("invalid XML"), "{e}");
    }

    #[test]
    fn recognises_the_root() {
        assert!(looks_nmap(
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun>"
        ));
        assert!(!looks_nmap(b"<svg/>"));
        assert!(!looks_nmap(b"vendor,<nmaprun"));
    }
}
