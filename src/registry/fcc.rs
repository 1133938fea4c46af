//! FCC grantee codes: the first part of an FCC ID (the identifier on the label of every radio
//! device authorised in the US, e.g. `SS3-MT2PD2007`), which names the applicant. Codes
//! assigned before 2013 have 3 characters and begin with a letter; codes assigned since have 5
//! characters and begin with `2`. The product code after it is the applicant's own.
//!
//! The registry keeps the codes of an entry in `Vendor::fcc_grantee_codes`, validated by
//! [`is_grantee_code`]; [`grantee_code`] reads the code out of an FCC ID as inventories write it.

use std::borrow::Cow;

/// Whether `code` is an FCC grantee code as the registry stores it: upper-case ASCII letters
/// and digits, either 3 characters beginning with a letter or 5 characters beginning with `2`.
pub(crate) fn is_grantee_code(code: &str) -> bool {
    let b = code.as_bytes();
    let shape = match b.first() {
        Some(b'2') => b.len() == 5,
        Some(c) if c.is_ascii_uppercase() => b.len() == 3,
        _ => false,
    };
    shape
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Removes a leading `FCC ID` label (any case; `FCCID`, `FCC-ID` and `FCC ID:` too) and the
/// spaces, dashes and colons after it. Text without the whole label is returned as it is.
fn strip_label(s: &str) -> &str {
    let Some(rest) = s
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("FCC"))
        .and_then(|_| s.get(3..))
    else {
        return s;
    };
    let rest = rest.trim_start_matches([' ', '-', '_']);
    match rest
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case("ID"))
        .and_then(|_| rest.get(2..))
    {
        Some(after) => after.trim_start_matches([' ', '-', ':', '\t']),
        None => s,
    }
}

/// The grantee code of an FCC ID, upper-case: the first 5 characters when it begins with `2`,
/// else the first 3 (beginning with a letter). The value is trimmed, and a leading `FCC ID:`
/// or `FCCID` label with the spaces and dashes after it is removed. The rest (the product
/// code) may be empty, so a grantee code by itself gives itself; it may hold letters, digits
/// and dashes only. `None` when the shape is wrong (a space or another character inside, a
/// code too short, a first character that is neither a letter nor `2`).
///
/// The code is borrowed from `fcc_id` when it is written in upper case already, so a lookup
/// costs no allocation in the usual case; compare it with [`is_grantee_code`] values as `&str`
/// (`grantee_code(id).as_deref()`).
pub(crate) fn grantee_code(fcc_id: &str) -> Option<Cow<'_, str>> {
    let id = strip_label(fcc_id.trim());
    let len = match id.as_bytes().first()? {
        b'2' => 5,
        c if c.is_ascii_alphabetic() => 3,
        _ => return None,
    };
    let (code, product) = (id.get(..len)?, id.get(len..)?);
    if !code.bytes().all(|c| c.is_ascii_alphanumeric())
        || !product
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
    {
        return None;
    }
    if code.bytes().any(|c| c.is_ascii_lowercase()) {
        Some(Cow::Owned(code.to_ascii_uppercase()))
    } else {
        Some(Cow::Borrowed(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Option<String> {
        grantee_code(s).map(Cow::into_owned)
    }

    #[test]
    fn grantee_codes_have_the_two_shapes() {
        for ok in ["SS3", "A3L", "BCG", "2ANDR", "2AGNT", "20000", "2A1B2"] {
            assert!(is_grantee_code(ok), "{ok}");
        }
        for bad in [
            "",
            "ss3",
            "Ss3",
            "SS",
            "SS3A",
            "3SS",
            "2AND",
            "2ANDRX",
            "1ANDR",
            "ANDR2",
            "S-3",
            "S 3",
            "2AN-R",
            "ＳＳ３",
            "SS3 ",
        ] {
            assert!(!is_grantee_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn grantee_code_reads_fcc_ids_as_labels_write_them() {
        assert_eq!(code("SS3-MT2PD2007").as_deref(), Some("SS3"));
        assert_eq!(code("2ANDR-WM1605").as_deref(), Some("2ANDR"));
        assert_eq!(code("2ANDRWM1605").as_deref(), Some("2ANDR"));
        assert_eq!(code("A3LSMG991U").as_deref(), Some("A3L"));
        assert_eq!(code("  ss3-mt2pd2007\t").as_deref(), Some("SS3"));
        assert_eq!(code("FCC ID: SS3-MT2PD2007").as_deref(), Some("SS3"));
        assert_eq!(code("fcc id:ss3mt2pd2007").as_deref(), Some("SS3"));
        assert_eq!(code("FCCID SS3-MT2PD2007").as_deref(), Some("SS3"));
        assert_eq!(code("FCCID2ANDR-WM1605").as_deref(), Some("2ANDR"));
        assert_eq!(code("FCC-ID - 2andr-wm1605").as_deref(), Some("2ANDR"));
        assert_eq!(code("FCC ID:  -  SS3-MT2PD2007").as_deref(), Some("SS3"));
        // A grantee code by itself is its own code.
        assert_eq!(code("SS3").as_deref(), Some("SS3"));
        assert_eq!(code("2andr").as_deref(), Some("2ANDR"));
        // An FCC ID whose grantee code begins with F, C... is not mistaken for a label.
        assert_eq!(code("FCC123").as_deref(), Some("FCC"));
        assert_eq!(code("FCX-1").as_deref(), Some("FCX"));
    }

    #[test]
    fn grantee_code_refuses_wrong_shapes() {
        for bad in [
            "",
            "   ",
            "FCC ID:",
            "FCC ID: ",
            "S3",
            "2AND",
            "2AN-R1",
            "S-3MT",
            "-SS3",
            "3SS-1",
            "1ANDR-1",
            "SS3 MT2PD2007",
            "SS3/MT2",
            "SS3-MT2 (Mavic)",
            "ＳＳ３-1",
            "ß3X",
            "é",
        ] {
            assert_eq!(code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn grantee_code_borrows_upper_case_input() {
        assert!(matches!(
            grantee_code("FCC ID: SS3-MT2PD2007"),
            Some(Cow::Borrowed("SS3"))
        ));
        assert!(matches!(grantee_code("ss3-1"), Some(Cow::Owned(_))));
    }
}
