//! The registry of manufacturers: where it comes from (a SQLite file, a signed snapshot or the
//! embedded curated data) and its content. Matching never queries SQL; it works on the loaded [`RegistryData`].

pub mod diff;
pub mod edit;
pub mod export;
pub mod fcc;
pub mod fetch;
pub mod import;
pub mod model;
pub mod snapshot;
pub mod store;

use std::path::Path;

use crate::error::{Error, ErrorKind, Location, Result};

pub(crate) use self::fcc::grantee_code;
pub use self::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
pub use self::store::{ChangeMeta, Revision, Store};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The curated registry files compiled into the binary: (path, contents).
pub(crate) fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::REGISTRY_FILES
}

/// The embedded policy files: (path, contents).
pub(crate) fn embedded_policy_files() -> &'static [(&'static str, &'static str)] {
    embedded::POLICY_FILES
}

/// Parses the embedded registry files, in their order, on two threads: the files are shared
/// between them by size, so that start-up waits for about half of the parsing.
fn parse_embedded_files() -> Result<Vec<import::ImportFile>> {
    let files = embedded_files();
    let total: usize = files.iter().map(|(_, text)| text.len()).sum();
    // The files after `split` hold about half of the bytes.
    let mut split = files.len();
    let mut tail = 0;
    while split > 0 && tail + files[split - 1].1.len() <= total / 2 {
        split -= 1;
        tail += files[split].1.len();
    }
    let parse = |part: &[(&str, &str)]| -> Result<Vec<import::ImportFile>> {
        part.iter()
            .map(|(path, text)| import::parse_toml(Path::new(path), text))
            .collect()
    };
    let (head, rest) = files.split_at(split);
    let (parsed, rest) = std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .name("tvcheck-registry".into())
            .spawn_scoped(scope, || parse(rest));
        let head = parse(head);
        let rest = match other {
            Ok(handle) => handle.join().unwrap_or_else(|_| parse(rest)),
            // No second thread: parse it here.
            Err(_) => parse(rest),
        };
        (head, rest)
    });
    let mut parsed = parsed?;
    parsed.extend(rest?);
    Ok(parsed)
}

/// When the embedded registry was built: the latest `compiled_on` of its files.
fn embedded_build_time(compiled: Option<crate::date::Date>) -> String {
    compiled.map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |d| format!("{d}T00:00:00Z"),
    )
}

/// A loaded registry and where it came from.
#[derive(Clone, Debug)]
pub struct Registry {
    /// The content.
    pub data: RegistryData,
    /// `embedded` or the database path.
    pub source: String,
    /// SHA-256 of the canonical content.
    pub digest: String,
    /// Schema version of the database it was read from.
    pub schema_version: u32,
    /// The latest revision (the embedded registry is revision 1 of its build).
    pub revision: u64,
    /// When the latest revision was committed (RFC 3339), if any.
    pub last_change: Option<String>,
    /// Whether the content was verified against its change log ([`Store::verify_current`]);
    /// the embedded registry, compiled into the binary, counts as verified.
    pub verified: bool,
    /// The signed snapshot it was read from (`check --registry-snapshot`), if any.
    pub snapshot: Option<snapshot::SnapshotInfo>,
}

impl Registry {
    /// Builds the embedded default registry: the curated files are validated, loaded into an
    /// in-memory SQLite database and read back.
    ///
    /// The content is exactly what [`Registry::embedded_store`] holds (a unit test compares
    /// them), read without the database round trip: parsing, validation and the canonical
    /// order, as a check's start-up needs it.
    pub fn embedded() -> Result<Registry> {
        let files = parse_embedded_files()?;
        let mut data = import::merge_and_validate(&RegistryData::default(), &files)?;
        data.canonicalize();
        let compiled = files.iter().filter_map(|f| f.compiled_on).max();
        Ok(Registry {
            digest: data.digest(),
            schema_version: store::SCHEMA_VERSION,
            revision: 1,
            last_change: Some(embedded_build_time(compiled)),
            data,
            source: "embedded".to_string(),
            verified: true,
            snapshot: None,
        })
    }

    /// The embedded registry as an in-memory store with one revision (its build).
    pub fn embedded_store() -> Result<Store> {
        let files = parse_embedded_files()?;
        let data = import::merge_and_validate(&RegistryData::default(), &files)?;
        let compiled = files.iter().filter_map(|f| f.compiled_on).max();
        let mut store = Store::in_memory()?;
        store.commit(
            &data,
            &ChangeMeta {
                at: embedded_build_time(compiled),
                actor: "tvcheck build".into(),
                action: "import".into(),
                summary: "embedded curated registry (data/registry)".into(),
                sources: files
                    .iter()
                    .map(|f| (f.path.clone(), f.sha256.clone()))
                    .collect(),
            },
        )?;
        Ok(store)
    }

    /// Opens a registry database read-only and verifies its content against its change log.
    pub fn open(path: &Path) -> Result<Registry> {
        Registry::open_with(path, true)
    }

    /// Opens a registry database read-only; with `verify`, its current content must be what
    /// its latest revision recorded ([`Store::verify_current`]), else it is refused. The
    /// schema is checked either way ([`Store::open`]).
    pub(crate) fn open_with(path: &Path, verify: bool) -> Result<Registry> {
        let store = Store::open(path, false)?;
        let mut reg = Registry::from_store(&store, crate::error::display_path(path))?;
        if verify && store.version()? >= 2 {
            store.verify_current(&reg.digest)?;
        }
        reg.verified = verify;
        if reg.data.vendors.is_empty() {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                "the registry is empty",
            )
            .hint("import entries with `tvcheck registry import FILE --db PATH`"));
        }
        Ok(reg)
    }

    /// Opens `path` when given (verified), the embedded registry otherwise.
    pub fn open_or_embedded(path: Option<&Path>) -> Result<Registry> {
        Registry::open_or_embedded_with(path, true)
    }

    /// Opens `path` when given, verified when `verify` ([`Registry::open_with`]), the embedded
    /// registry otherwise (compiled in: it needs no verification and counts as verified).
    pub fn open_or_embedded_with(path: Option<&Path>, verify: bool) -> Result<Registry> {
        match path {
            Some(p) => Registry::open_with(p, verify),
            None => Registry::embedded(),
        }
    }

    /// Builds a registry from a store's current content.
    pub fn from_store(store: &Store, source: String) -> Result<Registry> {
        let data = store.load()?;
        let revision = store.revision()?;
        Ok(Registry {
            digest: data.digest(),
            schema_version: store.version()?,
            revision,
            last_change: store.revision_time(revision)?,
            data,
            source,
            // The embedded store is built in memory from the compiled-in files; a file's
            // store is verified by `open_with`, which says so.
            verified: store.is_in_memory(),
            snapshot: None,
        })
    }

    /// The registry as it was right after revision `rev` of the same database.
    pub fn at_revision(&self, store: &Store, rev: u64) -> Result<Registry> {
        let data = store.content_at(rev)?.ok_or_else(|| {
            Error::new(
                ErrorKind::Usage,
                format!("the registry has no revision {rev}"),
            )
            .hint(format!(
                "revisions run from 1 to {}; see `tvcheck registry history`",
                self.revision
            ))
        })?;
        let at = store.revision_time(rev)?;
        let digest = data.digest();
        if self.verified && store.revision_digest(rev)?.as_deref() != Some(digest.as_str()) {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(&self.source),
                format!("the snapshot of revision {rev} does not match the digest recorded with it"),
            )
            .hint(format!(
                "run `tvcheck registry verify --db {}` to see what differs; --no-verify-registry uses it anyway",
                self.source
            )));
        }
        Ok(Registry {
            digest,
            schema_version: self.schema_version,
            revision: rev,
            last_change: at,
            data,
            source: format!("{}@{rev}", self.source),
            verified: self.verified,
            snapshot: None,
        })
    }

    /// The vendor with this id.
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        // Vendors are kept in id order (canonical order), so a binary search finds them; the
        // scan covers content that was not canonicalised (ids are unique, so a hit is right).
        let vendors = &self.data.vendors;
        match vendors.binary_search_by(|v| v.id.as_str().cmp(id)) {
            Ok(i) => vendors.get(i),
            Err(_) => vendors.iter().find(|v| v.id == id),
        }
    }

    /// The list definition with this id.
    pub fn list(&self, id: &str) -> Option<&ListDef> {
        self.data.lists.iter().find(|l| l.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_registry_loads_and_is_sourced() {
        let reg = Registry::embedded().unwrap();
        assert!(reg.data.vendors.len() >= 20);
        for id in ["huawei", "zte", "hytera", "hikvision", "dahua"] {
            let v = reg.vendor(id).unwrap();
            let fcc = v
                .listings
                .iter()
                .find(|l| l.list == "us-fcc-covered")
                .unwrap();
            assert_eq!(fcc.listed_on.to_string(), "2021-03-12", "{id}");
        }
        // Every listing has a legal basis, directly or through its list.
        for v in &reg.data.vendors {
            for l in &v.listings {
                assert!(
                    l.basis.is_some() || reg.list(&l.list).is_some(),
                    "{} on {}",
                    v.id,
                    l.list
                );
            }
        }
        assert_eq!(reg.digest.len(), 64);
    }

    #[test]
    fn entries_without_grantee_codes_serialise_as_before_schema_4() {
        let reg = Registry::embedded().unwrap();
        let mut without = reg.data.clone();
        for v in &mut without.vendors {
            v.fcc_grantee_codes.clear();
        }
        // No key for an entry without codes: the snapshot, the digest and the TOML export of
        // such content are what they were before the field existed.
        let json = serde_json::to_string(&without).unwrap();
        assert!(!json.contains("fcc_grantee_codes"));
        assert!(!export::to_toml(&without).contains("fcc_grantee_codes"));
        // A snapshot written before schema 4 reads with no codes.
        let old: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(RegistryData::from_json(&old).unwrap(), without);
        // The embedded DJI entry carries its two (weakly confirmed) codes, and its notes say so.
        let dji = reg.vendor("dji").unwrap();
        assert_eq!(dji.fcc_grantee_codes, ["2ANDR", "SS3"]);
        assert!(dji.notes.as_deref().unwrap().contains("weakly confirmed"));
        let json = serde_json::to_value(dji).unwrap();
        assert_eq!(
            json["fcc_grantee_codes"],
            serde_json::json!(["2ANDR", "SS3"])
        );
        assert_ne!(without.digest(), reg.digest);
        // Every embedded code is well formed and on one entry.
        let mut seen = std::collections::HashSet::new();
        for v in &reg.data.vendors {
            for c in &v.fcc_grantee_codes {
                assert!(fcc::is_grantee_code(c), "{c}");
                assert!(seen.insert(c.as_str()), "{c} twice");
            }
        }
    }

    #[test]
    fn the_embedded_registry_is_what_its_store_holds() {
        let direct = Registry::embedded().unwrap();
        let stored =
            Registry::from_store(&Registry::embedded_store().unwrap(), "embedded".into()).unwrap();
        assert_eq!(direct.data, stored.data);
        assert_eq!(direct.digest, stored.digest);
        assert_eq!(direct.revision, stored.revision);
        assert_eq!(direct.last_change, stored.last_change);
        assert_eq!(direct.schema_version, stored.schema_version);
        assert_eq!(direct.verified, stored.verified);
    }

    #[test]
    fn digest_ignores_order() {
        let reg = Registry::embedded().unwrap();
        let mut shuffled = reg.data.clone();
        shuffled.vendors.reverse();
        for v in &mut shuffled.vendors {
            v.aliases.reverse();
        }
        assert_eq!(shuffled.digest(), reg.digest);
        shuffled.vendors[0].name.push('x');
        assert_ne!(shuffled.digest(), reg.digest);
    }
}
