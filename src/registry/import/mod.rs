//! Registry import files (TOML and CSV): the entry points, what a parsed file holds, and the
//! merging of an import over what the database already holds.
//!
//! Parsing is strict: unknown keys, wrong types, impossible dates, unknown country codes and
//! malformed ids are errors that name file, line and column. Validation then checks the
//! references between entries (parents, lists, the vendors of CSV listing rows) and rejects
//! parent cycles.
//!
//! A registry CSV without a `kind` column has one vendor per row
//! (`id,name,country,aliases,model_patterns,parent,lists` and the optional [`VENDOR_COLUMNS`]).
//! With a `kind` column each row is a `list` ([`LIST_COLUMNS`]), a `vendor` or a `listing`
//! ([`LISTING_COLUMNS`]), and cells of columns that do not apply to the row's kind must be
//! empty. Listing rows may come before or after their vendor's row, or in another file of the
//! same import ([`PendingListing`], attached by [`merge_and_validate`]). Cells are trimmed
//! like TOML values; multi-valued cells are split by [`split_multi`] (`|` between values, `\|`
//! and `\\` inside one); a leading `'` protecting a formula character is removed by
//! [`unprotect_cell`]. Locations are physical lines (LF, CRLF or a lone CR) and the column of
//! the cell at fault.
//!
//! The TOML reader is `import/toml.rs`, the CSV reader (cells, multi-valued cells, formula
//! protection, positions) `import/csv.rs`, the checks of values and of a whole import
//! `import/validate.rs`.

mod csv;
mod toml;
mod validate;

use std::collections::HashMap;
use std::path::Path;

use self::csv::attach;
use super::model::{RegistryData, Vendor};
use crate::date::Date;
use crate::error::{code, Diagnostics, Error, ErrorKind, Location, Result};

pub use self::csv::parse_csv;
pub(crate) use self::csv::{join_multi, protect_cell, PendingListing};
pub use self::toml::parse_toml;
pub(crate) use self::validate::is_slug;
pub use self::validate::COUNTRY_PLACEHOLDER;

/// Where each entry of an import file was written, for error messages.
#[derive(Clone, Debug, Default)]
pub struct Spots {
    /// Per vendor (same order as the data): the vendor table.
    pub vendors: Vec<Location>,
    /// Per vendor: its `parent` value.
    pub parents: Vec<Location>,
    /// Per vendor, per listing: its `list` value.
    pub listings: Vec<Vec<Location>>,
    /// Per vendor, per FCC grantee code: where the code is written.
    pub grantee_codes: Vec<Vec<Location>>,
    /// Per list definition.
    pub lists: Vec<Location>,
}

/// One parsed import file.
#[derive(Clone, Debug)]
pub struct ImportFile {
    /// The file as shown to users.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The entries it holds.
    pub data: RegistryData,
    /// Where they are.
    pub spots: Spots,
    /// The date the file's content was compiled (`compiled_on`), when it says.
    pub compiled_on: Option<Date>,
    /// Listing rows of a CSV file whose vendor row is not in the file: [`merge_and_validate`]
    /// attaches them to the vendor row of another file of the same import.
    pub pending: Vec<PendingListing>,
}

pub(super) fn reg_err(loc: Location, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Registry, loc, msg)
}

/// Reads an import file, choosing the format from its extension.
pub fn read_import_file(path: &Path) -> Result<ImportFile> {
    let bytes = crate::source::read_regular_file(
        path,
        crate::source::IMPORT_LIMIT,
        "registry import file",
        ErrorKind::Registry,
    )?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "toml" => {
            let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Registry)?;
            parse_toml(path, text)
        }
        "csv" => parse_csv(path, &bytes),
        _ => Err(reg_err(
            Location::file(path),
            "unsupported registry import format: use a .toml or .csv file",
        )
        .hint("see \"Registry import format\" in the README")),
    }
}

/// Attaches the listing rows of CSV files whose vendor row is in another file of the import.
fn attach_pending(d: &mut Diagnostics, files: &[ImportFile]) -> Vec<ImportFile> {
    let mut out = files.to_vec();
    // (file, vendor) of each vendor id, the first file that defines it.
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    for (k, f) in files.iter().enumerate() {
        for (i, v) in f.data.vendors.iter().enumerate() {
            index.entry(v.id.clone()).or_insert((k, i));
        }
    }
    for p in files.iter().flat_map(|f| &f.pending) {
        let target = index.get(&p.vendor).and_then(|&(k, i)| {
            let f = out.get_mut(k)?;
            Some((f.data.vendors.get_mut(i)?, f.spots.listings.get_mut(i)?))
        });
        let Some((v, spots)) = target else {
            d.push(validate::coded(
                code::REGISTRY_REFERENCE,
                p.vendor_location.clone(),
                format!(
                    "a listing row for vendor '{}', which no vendor row of this import defines",
                    p.vendor
                ),
            )
            .hint(format!(
                "add a vendor row (kind vendor, id {}) to this file, or import the file that has it in the same command",
                p.vendor
            )));
            continue;
        };
        d.ok(attach(v, spots, p.clone()));
    }
    for f in &mut out {
        f.pending.clear();
    }
    out
}

/// Updates an existing entry from an imported one. Identity facts are replaced; listings are
/// merged by (list, date) and never dropped; a retirement or delisting is never undone.
fn merge_vendor(x: &mut Vendor, v: &Vendor) {
    let old_listings = std::mem::take(&mut x.listings);
    let (retired_on, retired_reason) = (x.retired_on, x.retired_reason.take());
    *x = v.clone();
    if x.retired_on.is_none() {
        x.retired_on = retired_on;
        x.retired_reason = retired_reason;
    }
    for old in old_listings {
        match x
            .listings
            .iter_mut()
            .find(|l| l.list == old.list && l.listed_on == old.listed_on)
        {
            Some(new) => {
                if new.delisted_on.is_none() {
                    new.delisted_on = old.delisted_on;
                    new.delisted_reason = old.delisted_reason;
                }
            }
            None => x.listings.push(old),
        }
    }
}

/// Merges import files over `existing` (later entries replace earlier ones with the same id)
/// and checks the result: ids unique within the import, CSV listing rows attached to a vendor
/// row of the import, parents and lists resolvable, every listing with a legal basis, each FCC
/// grantee code on one entry, no parent cycles. Every problem of the import is reported (see
/// [`Diagnostics`]).
pub fn merge_and_validate(existing: &RegistryData, files: &[ImportFile]) -> Result<RegistryData> {
    let mut d = Diagnostics::for_files(
        ErrorKind::Registry,
        files.iter().map(|f| f.path.clone()).collect(),
    );
    validate::check_ids_unique(&mut d, files);
    let attached;
    let files = if files.iter().any(|f| !f.pending.is_empty()) {
        attached = attach_pending(&mut d, files);
        attached.as_slice()
    } else {
        files
    };
    let mut merged = existing.clone();
    // Positions by id, so that merging is linear in the number of entries.
    let mut list_at: HashMap<String, usize> = merged
        .lists
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    let mut vendor_at: HashMap<String, usize> = merged
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();
    for f in files {
        for l in &f.data.lists {
            match list_at.get(&l.id).and_then(|&i| merged.lists.get_mut(i)) {
                Some(x) => *x = l.clone(),
                None => {
                    list_at.insert(l.id.clone(), merged.lists.len());
                    merged.lists.push(l.clone());
                }
            }
        }
        for v in &f.data.vendors {
            match vendor_at
                .get(&v.id)
                .and_then(|&i| merged.vendors.get_mut(i))
            {
                Some(x) => merge_vendor(x, v),
                None => {
                    vendor_at.insert(v.id.clone(), merged.vendors.len());
                    merged.vendors.push(v.clone());
                }
            }
        }
    }
    let before = d.len();
    validate::check_references(&mut d, &merged, files);
    // A parent that names itself or nothing is reported as such, not as a cycle too.
    if d.len() == before {
        validate::check_parent_cycles(&mut d, &merged, files);
    }
    validate::check_grantee_codes_unique(&mut d, &merged, files);
    d.finish(())?;
    merged.canonicalize();
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::csv::{split_multi, unprotect_cell};
    use super::*;

    fn toml(text: &str) -> Result<ImportFile> {
        parse_toml(Path::new("r.toml"), text)
    }

    #[test]
    fn accepts_the_documented_shape() {
        let f = toml(
            r#"
[[vendor]]
id = "huawei"
name = "Huawei Technologies Co., Ltd."
country = "CN"
aliases = ["Huawei", "Huawei Device Co., Ltd."]
model_patterns = ["OptiX*"]

  [[vendor.listing]]
  list = "us-fcc-covered"
  basis = "Secure and Trusted Communications Networks Act of 2019, 47 CFR 1.50002"
  source = "https://www.fcc.gov/supplychain/coveredlist"
  listed_on = 2021-03-12
"#,
        )
        .unwrap();
        let v = &f.data.vendors[0];
        assert_eq!(v.id, "huawei");
        assert_eq!(v.country.as_deref(), Some("CN"));
        assert_eq!(v.listings[0].listed_on.to_string(), "2021-03-12");
        assert_eq!(f.spots.vendors[0].line, Some(2));
        merge_and_validate(&RegistryData::default(), &[f]).unwrap();
    }

    #[test]
    fn strict_errors_name_line_and_column() {
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(4));
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncountry = \"ZZ\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:11");
        let e = toml("[[vendor]]\nid = \"A B\"\nname = \"A\"\n").unwrap_err();
        assert!(e.message.contains("not a valid vendor id"));
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2025-02-30\n")
            .unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(6), "{e}");
    }

    #[test]
    fn fcc_grantee_codes_are_validated_with_their_place() {
        let codes = |list: &str| {
            toml(&format!(
                "[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = {list}\n"
            ))
        };
        let f = codes("[\"SS3\", \" 2ANDR \", \"SS3\"]").unwrap();
        assert_eq!(f.data.vendors[0].fcc_grantee_codes, ["SS3", "2ANDR", "SS3"]);
        assert_eq!(f.spots.grantee_codes[0][1].to_string(), "r.toml:4:29");
        let merged = merge_and_validate(&RegistryData::default(), &[f]).unwrap();
        assert_eq!(merged.vendors[0].fcc_grantee_codes, ["2ANDR", "SS3"]);
        for (bad, hint) in [
            ("ss3", "write it in upper case: SS3"),
            (
                "SS3-MT2PD2007",
                "give the grantee code only, the start of the FCC ID: SS3",
            ),
            (
                "FCC ID: 2ANDR",
                "give the grantee code only, the start of the FCC ID: 2ANDR",
            ),
            ("2AND", "a grantee code is 3 characters"),
            ("3SS", "a grantee code is 3 characters"),
            ("S-3", "a grantee code is 3 characters"),
            ("", "a grantee code is 3 characters"),
        ] {
            let e = codes(&format!("[\"2ANDR\", \"{bad}\"]")).unwrap_err();
            assert_eq!(
                e.location.as_ref().unwrap().to_string(),
                "r.toml:4:31",
                "{bad}"
            );
            assert_eq!(
                e.message,
                format!("'{bad}' is not an FCC grantee code"),
                "{bad}"
            );
            assert!(e.hint.as_deref().unwrap().starts_with(hint), "{bad}: {e}");
        }
        let e = codes("\"SS3\"").unwrap_err();
        assert!(e.message.contains("invalid registry file"), "{e}");
    }

    #[test]
    fn a_grantee_code_belongs_to_one_entry() {
        let two = "[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\"]\n[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"2ANDR\", \"SS3\"]\n";
        let e = merge_and_validate(&RegistryData::default(), &[toml(two).unwrap()]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:8:31");
        assert_eq!(
            e.message,
            "FCC grantee code 'SS3' of vendor 'b' already belongs to vendor 'a' (at r.toml:4:22)"
        );
        // Against an entry the registry holds, which the import does not touch.
        let existing = merge_and_validate(
            &RegistryData::default(),
            &[
                toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\"]\n")
                    .unwrap(),
            ],
        )
        .unwrap();
        let b =
            toml("[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"SS3\"]\n").unwrap();
        let e = merge_and_validate(&existing, &[b]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:22");
        assert_eq!(
            e.message,
            "FCC grantee code 'SS3' of vendor 'b' already belongs to vendor 'a' (already in the registry)"
        );
        // Moving a code: both entries in the same import.
        let moved = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"SS3\"]\n").unwrap();
        let merged = merge_and_validate(&existing, &[moved]).unwrap();
        assert!(merged.vendors[0].fcc_grantee_codes.is_empty());
        assert_eq!(merged.vendors[1].fcc_grantee_codes, ["SS3"]);
        // The same code twice on one entry is kept once.
        let same =
            toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\", \"SS3\"]\n")
                .unwrap();
        merge_and_validate(&existing, &[same]).unwrap();
    }

    #[test]
    fn csv_grantee_codes_are_a_multi_valued_cell() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\ndji,DJI,SS3|2ANDR\nother,Other,\n",
        )
        .unwrap();
        assert_eq!(f.data.vendors[0].fcc_grantee_codes, ["SS3", "2ANDR"]);
        assert!(f.data.vendors[1].fcc_grantee_codes.is_empty());
        let e = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\ndji,DJI,SS3|2andr\n",
        )
        .unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:2:9");
        assert!(
            e.message.contains("'2andr' is not an FCC grantee code"),
            "{e}"
        );
        let e = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\na,A,SS3\nb,B,SS3\n",
        )
        .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[e]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:3:5");
        assert!(
            e.message
                .contains("already belongs to vendor 'a' (at r.csv:2:5)"),
            "{e}"
        );
    }

    #[test]
    fn blank_purposes_are_dropped_like_blank_aliases() {
        let listing = |scope: &str, purposes: &str| {
            toml(&format!("[[vendor]]\nid = \"a\"\nname = \"A\"\naliases = [\" \", \" A \"]\n[[vendor.listing]]\nlist = \"l\"\nbasis = \"b\"\nlisted_on = 2020-01-01\nscope = \"{scope}\"\npurposes = {purposes}\n"))
        };
        let f = listing("purpose-limited", "[\" x \", \"\", \"  \"]").unwrap();
        assert_eq!(f.data.vendors[0].aliases, ["A"]);
        assert_eq!(f.data.vendors[0].listings[0].purposes, ["x"]);
        let e = listing("purpose-limited", "[\" \"]").unwrap_err();
        assert!(e.message.contains("must name its 'purposes'"), "{e}");
        listing("all", "[\"\"]").unwrap();
    }

    #[test]
    fn references_and_cycles_are_checked() {
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"zz\"\n").unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("not in the registry"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"b\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nparent = \"a\"\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.starts_with("parent cycle: a → b → a"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2020-01-01\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("no legal basis"), "{e}");
        let f =
            toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor]]\nid = \"a\"\nname = \"B\"\n")
                .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(
            e.message.contains("defined twice (first at r.toml:1"),
            "{e}"
        );
    }

    #[test]
    fn multi_values_escape_bars_and_backslashes() {
        let values: Vec<String> = ["a|b", "c\\d", "\\", "|", "\\|", "x\\", "plain", "é ü"]
            .into_iter()
            .map(String::from)
            .collect();
        let cell = join_multi(&values);
        assert_eq!(cell, "a\\|b|c\\\\d|\\\\|\\||\\\\\\||x\\\\|plain|é ü");
        assert_eq!(split_multi(&cell).unwrap(), values);
        // Old cells without backslashes read as before: split at bars, trimmed, blanks dropped.
        assert_eq!(
            split_multi(" Hikvision | HIK ||  | DS-2CD* ").unwrap(),
            ["Hikvision", "HIK", "DS-2CD*"]
        );
        assert!(split_multi("").unwrap().is_empty());
        // Values are trimmed as the TOML import trims them; spaces inside stay.
        assert_eq!(
            split_multi("  two  words \\|  | x").unwrap(),
            ["two  words |", "x"]
        );
        assert_eq!(join_multi(&[]), "");
        // Any other backslash is an error naming it.
        assert_eq!(split_multi("C:\\Acme").unwrap_err(), "\\A");
        assert_eq!(split_multi("a|b\\").unwrap_err(), "\\");
        assert_eq!(split_multi("a\\nb").unwrap_err(), "\\n");
    }

    #[test]
    fn formula_cells_are_protected_reversibly() {
        for (value, cell) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-Acme", "'-Acme"),
            ("@x", "'@x"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'", "'"),
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("a=b", "a=b"),
            ("", ""),
            ("Huawei", "Huawei"),
        ] {
            assert_eq!(protect_cell(value), cell, "{value}");
            assert_eq!(unprotect_cell(cell), value, "{cell}");
        }
    }

    #[test]
    fn a_skeleton_placeholder_country_says_to_fill_it_in() {
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncountry = \"TODO\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:11");
        assert!(
            e.message
                .contains("the country is still the placeholder 'TODO'"),
            "{e}"
        );
        assert!(
            e.hint
                .as_deref()
                .unwrap()
                .starts_with("fill in the ISO 3166-1 alpha-2 code"),
            "{e}"
        );
        let e = parse_csv(Path::new("r.csv"), b"id,name,country\na,A,todo\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:2:5");
        assert!(
            e.message
                .contains("the country is still the placeholder 'todo'"),
            "{e}"
        );
    }

    #[test]
    fn csv_cell_locations_are_physical_lines_and_columns() {
        let csv = |text: &str| parse_csv(Path::new("r.csv"), text.as_bytes()).unwrap_err();
        // After a quoted cell holding a line break, blank lines and CRLF line ends.
        let e = csv("kind,id,name,notes,country\r\nvendor,a,A,\"two\r\nlines\",GB\r\n\r\n\r\nvendor,b,\"B, Inc.\",,XX\r\n");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:6:21");
        // A cell after a quoted line break is on the next line.
        let e = csv("kind,id,name,notes,country\nvendor,a,A,\"x\ny\",XX\n");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:3:4");
        // Lone CR line ends count as lines.
        let e = csv("id,name,country\ra,A,GB\rb,B,ZZ\r");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:3:5");
    }

    #[test]
    fn csv_listing_rows_attach_to_their_vendor() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"kind,id,name,vendor,list,listed_on,basis\nlisting,,,b,l,2021-01-01,Act\nvendor,a,A,,,,\nvendor,b,B,,,,\nlisting,,,zz,l,2021-01-01,Act\n",
        )
        .unwrap();
        assert!(f.data.vendors[0].listings.is_empty());
        assert_eq!(f.data.vendors[1].listings[0].basis.as_deref(), Some("Act"));
        assert_eq!(f.spots.listings[1][0].to_string(), "r.csv:2:13");
        assert_eq!(f.pending.len(), 1);
        assert_eq!(f.pending[0].vendor, "zz");
        let e = merge_and_validate(&RegistryData::default(), std::slice::from_ref(&f)).unwrap_err();
        assert!(e.message.contains("no vendor row of this import"), "{e}");
        let other = parse_csv(Path::new("zz.csv"), b"id,name\nzz,ZZ\n").unwrap();
        let merged = merge_and_validate(&RegistryData::default(), &[f, other]).unwrap();
        assert_eq!(merged.listing_count(), 2);
    }

    #[test]
    fn csv_import() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"id,name,country,aliases,model_patterns,parent,lists\nhik,Hangzhou Hikvision,CN,Hikvision|HIK,DS-2CD*,,us-fcc-covered@2021-03-12\nezviz,EZVIZ,CN,,,hik,\n",
        )
        .unwrap();
        assert_eq!(f.data.vendors.len(), 2);
        assert_eq!(f.data.vendors[0].aliases, vec!["Hikvision", "HIK"]);
        assert_eq!(f.data.vendors[0].listings[0].list, "us-fcc-covered");
        assert_eq!(f.data.vendors[1].parent.as_deref(), Some("hik"));
        let e = parse_csv(Path::new("r.csv"), b"id,name,lists\nhik,H,us@2021-02-30\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(2));
        let e = parse_csv(Path::new("r.csv"), b"id,name,colour\n").unwrap_err();
        assert!(e.message.contains("unknown column 'colour'"));
    }
}
