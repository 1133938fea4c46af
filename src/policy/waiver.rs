//! Waivers: approved, expiring exceptions read from a file named on the command line (never
//! picked up from a scanned folder). A waiver scopes findings by asset id, serial, site,
//! registry entry or model glob, optionally limited to a policy and rule.
//!
//! A waiver must not hide more than it says. Its selector is the scope keys `asset_id`,
//! `serial`, `site`, `vendor` and `model` (`policy` and `rule` only narrow it to a regime, they
//! select no equipment). A selector that matches every item (no scope key at all, or only
//! wildcard values such as `model = "*"` or `vendor = "*"`, which match any item that has the
//! field) is refused, naming the file, line and waiver id, unless the waiver says so explicitly
//! with `scope = "all"`. `scope` takes no other value, and a waiver with a narrower selector
//! may not carry it. An empty scope value (`asset_id = ""`) is refused too.
//!
//! Every problem of a file is reported, each with its stable code ([`crate::error::code`]):
//! a waiver with a bad value is checked to its end, and the next waiver after it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;
use crate::error::{code, line_col, Diagnostics, Error, ErrorKind, Location, Result};

/// One approved exception.
#[derive(Debug, Serialize)]
pub struct Waiver {
    /// Id, e.g. `W-2026-017`.
    pub id: String,
    /// Scope: asset id.
    pub asset_id: Option<String>,
    /// Scope: serial number.
    pub serial: Option<String>,
    /// Scope: site.
    pub site: Option<String>,
    /// Scope: registry entry id (the matched entry or any entity in its ownership chain).
    pub vendor: Option<String>,
    /// Scope: model glob (case-insensitive).
    pub model: Option<String>,
    /// `scope = "all"`: the waiver deliberately covers every item (within its policy and rule).
    pub all: bool,
    /// Only findings of this policy.
    pub policy: Option<String>,
    /// Only findings of this rule.
    pub rule: Option<String>,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Decision reference.
    pub reference: Option<String>,
    /// Last day it applies.
    pub expires: Date,
    /// Line of its `[[waiver]]` table.
    pub line: u64,
    #[serde(skip)]
    model_glob: Option<globset::GlobMatcher>,
    #[serde(skip)]
    used: AtomicU64,
    #[serde(skip)]
    expired_hits: AtomicU64,
}

/// The waivers of one file.
#[derive(Debug, Default)]
pub struct Waivers {
    /// The file as shown to users.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The waivers, in file order.
    pub waivers: Vec<Waiver>,
}

/// What a finding's subject looks like to a waiver.
pub struct Subject<'a> {
    /// Item asset id.
    pub asset_id: Option<&'a str>,
    /// Item serial.
    pub serial: Option<&'a str>,
    /// Item site.
    pub site: Option<&'a str>,
    /// Item model.
    pub model: Option<&'a str>,
    /// Registry ids: the matched entry and its ownership chain.
    pub entities: &'a [String],
    /// Policy id.
    pub policy: &'a str,
    /// Rule id.
    pub rule: &'a str,
}

/// The outcome of looking a finding up in the waivers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// No waiver scopes it.
    None,
    /// An active waiver covers it.
    Waived(String),
    /// Only expired waivers scope it: (id, expiry).
    Expired(String, Date),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    id: String,
    asset_id: Option<String>,
    serial: Option<String>,
    site: Option<String>,
    vendor: Option<String>,
    model: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
    policy: Option<String>,
    rule: Option<String>,
    reason: String,
    approved_by: String,
    reference: Option<String>,
    expires: Spanned<toml::value::Datetime>,
}

/// A selector value made only of `*`: any value at all.
fn is_wildcard(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && v.chars().all(|c| c == '*')
}

fn eq(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(want), Some(_)) if is_wildcard(want) => true,
        (Some(want), Some(have)) => want.trim() == have.trim(),
        (Some(_), None) => false,
    }
}

impl Waiver {
    fn scopes(&self, s: &Subject<'_>) -> bool {
        eq(self.asset_id.as_deref(), s.asset_id)
            && eq(self.serial.as_deref(), s.serial)
            && self.site.as_deref().is_none_or(|w| {
                s.site
                    .is_some_and(|h| is_wildcard(w) || h.trim().eq_ignore_ascii_case(w.trim()))
            })
            && self.vendor.as_deref().is_none_or(|v| {
                if is_wildcard(v) {
                    !s.entities.is_empty()
                } else {
                    s.entities.iter().any(|e| e == v.trim())
                }
            })
            && self
                .model_glob
                .as_ref()
                .is_none_or(|g| s.model.is_some_and(|m| g.is_match(m.trim())))
            && self.policy.as_deref().is_none_or(|p| p == s.policy)
            && self.rule.as_deref().is_none_or(|r| r == s.rule)
    }

    /// How many findings it waived.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// How many findings it would have waived had it not expired.
    pub(crate) fn expired_hits(&self) -> u64 {
        self.expired_hits.load(Ordering::Relaxed)
    }
}

impl Waivers {
    /// Reads and validates a waivers file.
    pub fn load(path: &Path) -> Result<Waivers> {
        let bytes = crate::source::read_regular_file(
            path,
            crate::source::WAIVERS_LIMIT,
            "waivers file",
            ErrorKind::Waiver,
        )?;
        let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Waiver)?;
        Waivers::parse(path, text)
    }

    /// Parses a waivers file's text. A file that is not valid TOML is one error; otherwise
    /// every problem of the file is reported (see [`Diagnostics`]).
    #[allow(clippy::too_many_lines)]
    pub fn parse(path: &Path, text: &str) -> Result<Waivers> {
        let loc = |off: usize| {
            let (l, c) = line_col(text, off);
            Location::at(path, l, c)
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            Error::at(
                ErrorKind::Waiver,
                loc(e.span().map_or(0, |s| s.start)),
                format!(
                    "invalid waivers file: {}",
                    crate::error::one_line(e.message())
                ),
            )
            .with_code(code::WAIVER_SYNTAX)
            .hint(
                "each [[waiver]] needs id, reason, approved_by, expires and at least one scope key",
            )
        })?;
        let mut d = Diagnostics::new(ErrorKind::Waiver, path);
        let mut waivers: Vec<Waiver> = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for w in raw.waiver {
            let before = d.len();
            let start = w.span().start;
            let w = w.into_inner();
            let at = loc(start);
            let err = |code: &'static str, msg: String| {
                Error::at(ErrorKind::Waiver, at.clone(), msg).with_code(code)
            };
            if w.id.trim().is_empty() {
                d.push(err(
                    code::WAIVER_EMPTY_ID,
                    "a waiver has an empty id".into(),
                ));
            }
            if ids.contains(&w.id) {
                d.push(err(
                    code::WAIVER_DUPLICATE_ID,
                    format!("waiver id '{}' is used twice", w.id),
                ));
            }
            ids.push(w.id.trim().to_string());
            for (key, v) in [("reason", &w.reason), ("approved_by", &w.approved_by)] {
                if v.trim().is_empty() {
                    d.push(err(
                        code::WAIVER_EMPTY_VALUE,
                        format!("waiver '{}' has an empty '{key}'", w.id),
                    ));
                }
            }
            let selector = [
                ("asset_id", w.asset_id.as_deref()),
                ("serial", w.serial.as_deref()),
                ("site", w.site.as_deref()),
                ("vendor", w.vendor.as_deref()),
                ("model", w.model.as_ref().map(|m| m.get_ref().as_str())),
            ];
            let empty_selector = selector
                .iter()
                .find(|(_, v)| v.is_some_and(|v| v.trim().is_empty()));
            if let Some((key, _)) = empty_selector {
                d.push(
                    err(
                        code::WAIVER_EMPTY_VALUE,
                        format!("waiver '{}' has an empty '{key}'", w.id),
                    )
                    .hint(format!(
                        "give '{key}' the value to waive, or remove the key"
                    )),
                );
            }
            let all = match &w.scope {
                None => Some(false),
                Some(s) if s.get_ref().trim() == "all" => Some(true),
                Some(s) => {
                    d.push(Error::at(
                        ErrorKind::Waiver,
                        loc(s.span().start),
                        format!(
                            "waiver '{}' has scope = \"{}\": the only scope is \"all\"",
                            w.id,
                            s.get_ref()
                        ),
                    )
                    .with_code(code::WAIVER_SCOPE_VALUE)
                    .hint("write scope = \"all\" for a waiver meant to cover every item, or remove the key"));
                    None
                }
            };
            let given: Vec<&str> = selector.iter().filter_map(|(k, v)| v.map(|_| *k)).collect();
            let narrow: Vec<&str> = selector
                .iter()
                .filter(|(_, v)| v.is_some_and(|v| !is_wildcard(v)))
                .map(|(k, _)| *k)
                .collect();
            // An empty selector value is reported as such, not as a selector too broad.
            if narrow.is_empty() && all == Some(false) && empty_selector.is_none() {
                let what = if given.is_empty() {
                    "has no scope".to_string()
                } else {
                    format!("selects any value of {}", given.join(" and "))
                };
                d.push(err(
                    code::WAIVER_TOO_BROAD,
                    format!(
                        "waiver '{}' {what}: it would waive every finding{}",
                        w.id,
                        match (&w.policy, &w.rule) {
                            (Some(p), _) => format!(" of policy '{p}'"),
                            (None, Some(r)) => format!(" of rule '{r}'"),
                            _ => String::new(),
                        }
                    ),
                )
                .hint("add a narrower scope (asset_id, serial, site, vendor, model), or write scope = \"all\" if the waiver is meant to cover every item"));
            }
            if all == Some(true) && !narrow.is_empty() {
                d.push(err(
                    code::WAIVER_SCOPE_CONFLICT,
                    format!(
                        "waiver '{}' says scope = \"all\" but selects by {}",
                        w.id,
                        narrow.join(" and ")
                    ),
                )
                .hint("remove scope = \"all\" (the waiver covers only what it selects), or remove the selector"));
            }
            let ex = w.expires.get_ref();
            let expires = match (ex.date, ex.time, ex.offset) {
                (Some(d), None, None) => Date::from_toml(&d),
                _ => None,
            };
            if expires.is_none() {
                d.push(
                    Error::at(
                        ErrorKind::Waiver,
                        loc(w.expires.span().start),
                        format!("'expires' must be a calendar date like 2026-12-31, not '{ex}'"),
                    )
                    .with_code(code::WAIVER_DATE),
                );
            }
            let model_glob = match &w.model {
                None => None,
                Some(m) => match globset::GlobBuilder::new(m.get_ref().trim())
                    .case_insensitive(true)
                    .build()
                {
                    Ok(g) => Some(g.compile_matcher()),
                    Err(e) => {
                        d.push(
                            Error::at(
                                ErrorKind::Waiver,
                                loc(m.span().start),
                                format!(
                                    "model '{}' is not a valid glob: {}",
                                    m.get_ref(),
                                    e.kind()
                                ),
                            )
                            .with_code(code::WAIVER_GLOB),
                        );
                        None
                    }
                },
            };
            let (Some(all), Some(expires), true) = (all, expires, d.len() == before) else {
                continue;
            };
            waivers.push(Waiver {
                id: w.id.trim().to_string(),
                asset_id: w.asset_id,
                serial: w.serial,
                site: w.site,
                vendor: w.vendor,
                model: w.model.map(Spanned::into_inner),
                all,
                policy: w.policy,
                rule: w.rule,
                reason: w.reason,
                approved_by: w.approved_by,
                reference: w.reference,
                expires,
                line: at.line.unwrap_or(0),
                model_glob,
                used: AtomicU64::new(0),
                expired_hits: AtomicU64::new(0),
            });
        }
        if waivers.is_empty() && d.is_empty() {
            d.push(
                Error::at(
                    ErrorKind::Waiver,
                    Location::file(path),
                    "the file holds no [[waiver]] tables",
                )
                .with_code(code::WAIVER_EMPTY_FILE),
            );
        }
        d.finish(())?;
        Ok(Waivers {
            path: crate::error::display_path(path),
            sha256: crate::source::digest::sha256_hex(text.as_bytes()),
            waivers,
        })
    }

    /// Looks a finding up as of `as_of`, counting the use.
    pub fn lookup(&self, s: &Subject<'_>, as_of: Date) -> Lookup {
        let mut expired: Option<(&Waiver, Date)> = None;
        for w in &self.waivers {
            if !w.scopes(s) {
                continue;
            }
            if as_of <= w.expires {
                w.used.fetch_add(1, Ordering::Relaxed);
                return Lookup::Waived(w.id.clone());
            }
            w.expired_hits.fetch_add(1, Ordering::Relaxed);
            if expired.is_none() {
                expired = Some((w, w.expires));
            }
        }
        match expired {
            Some((w, d)) => Lookup::Expired(w.id.clone(), d),
            None => Lookup::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(entities: &'a [String]) -> Subject<'a> {
        Subject {
            asset_id: Some("P1"),
            serial: Some("S1"),
            site: Some("Vilnius-Core-1"),
            model: Some("DS-2CD2143G0-I"),
            entities,
            policy: "lt-5g",
            rule: "r",
        }
    }

    #[test]
    fn scope_and_expiry() {
        let w = Waivers::parse(
            Path::new("w.toml"),
            "[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\npolicy = \"lt-5g\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2026-12-31\n\n[[waiver]]\nid = \"W2\"\nmodel = \"ds-2cd*\"\nvendor = \"hikvision\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2020-01-01\n",
        )
        .unwrap();
        let ents = vec!["ezviz".to_string(), "hikvision".to_string()];
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            w.lookup(&subject(&ents), d("2026-12-31")),
            Lookup::Waived("W1".into())
        );
        assert_eq!(
            w.lookup(&subject(&ents), d("2027-01-01")),
            Lookup::Expired("W1".into(), d("2026-12-31"))
        );
        let mut other = subject(&ents);
        other.asset_id = Some("P2");
        assert_eq!(
            w.lookup(&other, d("2026-01-01")),
            Lookup::Expired("W2".into(), d("2020-01-01"))
        );
        other.policy = "uk";
        other.model = Some("X");
        assert_eq!(w.lookup(&other, d("2026-01-01")), Lookup::None);
        assert_eq!(w.waivers[0].used(), 1);
    }

    #[test]
    fn malformed_waivers_name_the_line() {
        let e = Waivers::parse(
            Path::new("w.toml"),
            "[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\nreason = \"r\"\napproved_by = \"x\"\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "error[TV0201]: w.toml:1:1: invalid waivers file: missing field `expires`"
            ),
            "{e}"
        );
        let e = Waivers::parse(Path::new("w.toml"), "[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\nreason = \"r\"\napproved_by = \"x\"\nexpires = 2025-02-30\n").unwrap_err();
        assert!(e.to_string().starts_with("error[TV0201]: w.toml:6:"), "{e}");
        let e = Waivers::parse(
            Path::new("w.toml"),
            "[[waiver]]\nid = \"W1\"\nreason = \"r\"\napproved_by = \"x\"\nexpires = 2025-01-30\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("has no scope"), "{e}");
        assert!(e.to_string().contains("'W1'"), "{e}");
        let e = Waivers::parse(Path::new("w.toml"), "[[waiver]]\nid = \"W1\"\nasset = \"P1\"\nreason = \"r\"\napproved_by = \"x\"\nexpires = 2025-01-30\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `asset`"), "{e}");
    }
}
