//! MAC addresses as inventories write them (any common notation), parsed and checked, with
//! errors that say what is wrong: the key of the IEEE tier's MAC lookup.

use std::fmt;
use std::str::FromStr;

/// A MAC address (48 bits), or an OUI prefix alone (its first 24 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac {
    octets: [u8; 6],
    len: u8,
}

impl Mac {
    /// A full address from its six octets.
    pub fn new(octets: [u8; 6]) -> Mac {
        Mac { octets, len: 6 }
    }

    /// An OUI prefix alone (24 bits), usable for prefix lookup only.
    pub(crate) fn oui(octets: [u8; 3]) -> Mac {
        Mac {
            octets: [octets[0], octets[1], octets[2], 0, 0, 0],
            len: 3,
        }
    }

    /// The octets known: six, or three for an OUI prefix alone.
    pub(crate) fn octets(&self) -> &[u8] {
        &self.octets[..usize::from(self.len)]
    }

    #[cfg(test)]
    /// Whether only the OUI prefix (24 bits) is known.
    pub(crate) fn is_prefix_only(&self) -> bool {
        self.len < 6
    }

    /// Whether the U/L bit (0x02 of the first octet) is set: a locally administered address,
    /// typically randomised or assigned by software, which says nothing about the maker.
    pub(crate) fn is_locally_administered(&self) -> bool {
        self.octets[0] & 0x02 != 0
    }

    /// Whether the I/G bit (0x01 of the first octet) is set: a group (multicast or broadcast)
    /// address, not one of a device.
    pub(crate) fn is_multicast(&self) -> bool {
        self.octets[0] & 0x01 != 0
    }

    /// The first `digits` upper-case hex digits, or `None` when fewer are known.
    pub(crate) fn hex_prefix(&self, digits: usize) -> Option<([u8; 12], usize)> {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        if digits > usize::from(self.len) * 2 {
            return None;
        }
        let mut buf = [0u8; 12];
        for (i, o) in self.octets.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(o >> 4)];
            buf[2 * i + 1] = HEX[usize::from(o & 0x0f)];
        }
        Some((buf, digits))
    }
}

impl fmt::Display for Mac {
    /// Canonical form: upper-case hex pairs separated by colons, `28:6E:D4:12:34:56` (or
    /// `28:6E:D4` for an OUI prefix alone).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, o) in self.octets().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{o:02X}")?;
        }
        Ok(())
    }
}

impl FromStr for Mac {
    type Err = MacError;

    fn from_str(s: &str) -> Result<Mac, MacError> {
        parse_mac(s)
    }
}

/// Why a string is not a MAC address; the message says what was wrong in plain words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MacError {
    /// Nothing but whitespace.
    #[error("empty MAC address")]
    Empty,
    /// A character that is neither a hex digit nor a separator.
    #[error(
        "not a MAC address: {} is not a hexadecimal digit or a separator (`:`, `-` or `.`)",
        describe_char(*.0)
    )]
    BadCharacter(char),
    /// Two kinds of separators.
    #[error("not a MAC address: it mixes the separators `{0}` and `{1}`; use one kind")]
    MixedSeparators(char, char),
    /// The wrong number of groups between separators.
    #[error(
        "not a MAC address: it has {found} groups separated by `{sep}`; expected {}",
        expected_groups(*.sep)
    )]
    GroupCount {
        /// The separator used.
        sep: char,
        /// How many groups it separates.
        found: usize,
    },
    /// A group of the wrong width.
    #[error(
        "not a MAC address: the group `{group}` has {} hexadecimal digits; groups separated by `{sep}` have {}",
        group.len(),
        expected_width(*.sep)
    )]
    GroupWidth {
        /// The separator used.
        sep: char,
        /// The offending group.
        group: String,
    },
    /// Hex digits without separators, but neither 12 nor 6 of them.
    #[error(
        "not a MAC address: it has {0} hexadecimal digits; a MAC address has 12 (6 for an OUI prefix alone)"
    )]
    DigitCount(usize),
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

fn expected_groups(sep: char) -> &'static str {
    if sep == '.' {
        "3 groups of 4 digits (Cisco notation, 286E.D412.3456)"
    } else {
        "6 (a full address, 28:6E:D4:12:34:56) or 3 (an OUI prefix alone, 28:6E:D4)"
    }
}

fn expected_width(sep: char) -> &'static str {
    if sep == '.' {
        "4"
    } else {
        "1 or 2"
    }
}

/// Parses a MAC address in any common notation: `28:6E:D4:12:34:56`, `28-6E-D4-12-34-56`,
/// `286E.D412.3456` (Cisco), `286ed4123456`; any case, surrounding whitespace ignored; with `:`
/// or `-`, a group may have one digit (`0:1b:63:84:45:e6`, as some systems print it). An OUI
/// prefix alone (`28:6E:D4`, `28-6E-D4`, `286ED4`) gives a prefix-only [`Mac`].
pub(crate) fn parse_mac(s: &str) -> Result<Mac, MacError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(MacError::Empty);
    }
    let mut sep: Option<char> = None;
    for c in t.chars() {
        if c.is_ascii_hexdigit() {
            continue;
        }
        if !matches!(c, ':' | '-' | '.') {
            return Err(MacError::BadCharacter(c));
        }
        match sep {
            None => sep = Some(c),
            Some(first) if first != c => return Err(MacError::MixedSeparators(first, c)),
            Some(_) => {}
        }
    }
    let mut octets = Vec::with_capacity(6);
    match sep {
        None => {
            if t.len() != 12 && t.len() != 6 {
                return Err(MacError::DigitCount(t.len()));
            }
            push_hex_pairs(t, &mut octets);
        }
        Some('.') => {
            let groups: Vec<&str> = t.split('.').collect();
            if groups.len() != 3 {
                return Err(MacError::GroupCount {
                    sep: '.',
                    found: groups.len(),
                });
            }
            for g in groups {
                if g.len() != 4 {
                    return Err(MacError::GroupWidth {
                        sep: '.',
                        group: g.to_owned(),
                    });
                }
                push_hex_pairs(g, &mut octets);
            }
        }
        Some(sep) => {
            let groups: Vec<&str> = t.split(sep).collect();
            if groups.len() != 6 && groups.len() != 3 {
                return Err(MacError::GroupCount {
                    sep,
                    found: groups.len(),
                });
            }
            for g in groups {
                let Some(o) = (1..=2)
                    .contains(&g.len())
                    .then(|| u8::from_str_radix(g, 16).ok())
                    .flatten()
                else {
                    return Err(MacError::GroupWidth {
                        sep,
                        group: g.to_owned(),
                    });
                };
                octets.push(o);
            }
        }
    }
    match octets[..] {
        [a, b, c, d, e, f] => Ok(Mac::new([a, b, c, d, e, f])),
        [a, b, c] => Ok(Mac::oui([a, b, c])),
        _ => Err(MacError::DigitCount(octets.len() * 2)),
    }
}

/// Appends the octets of a string of hex digits of even length (checked by the caller).
fn push_hex_pairs(hex: &str, out: &mut Vec<u8>) {
    for pair in hex.as_bytes().chunks(2) {
        let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
        let lo = pair
            .get(1)
            .and_then(|&b| (b as char).to_digit(16))
            .unwrap_or(0);
        // Both digits are < 16, so the value fits in a byte.
        out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
    }
}
