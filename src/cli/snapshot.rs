//! `tvcheck registry keygen|publish|pull` and `registry verify --snapshot`: signed registry
//! snapshots on the command line, and the registry `check --registry-snapshot` uses.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use tvcheck::escape::Visible as V;
use tvcheck::registry::diff::diff;
use tvcheck::registry::fetch::{self, Limits};
use tvcheck::registry::import::merge_and_validate;
use tvcheck::registry::snapshot::{self, TrustedKey, Verified};
use tvcheck::registry::{ChangeMeta, Store};
use tvcheck::{Error, ErrorKind, Registry};

use super::args::FormatArg;
use super::ExitStatus;

/// The environment variable that holds a secret key's password.
const PASSWORD_ENV: &str = "TVCHECK_KEY_PASSWORD";

/// What `--password-file` or `TVCHECK_KEY_PASSWORD` says, if either is given.
fn password(file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| Error::io(ErrorKind::Usage, f, "cannot read the password file", &e))?;
        let line = text.lines().next().unwrap_or_default().to_string();
        if line.is_empty() {
            anyhow::bail!(Error::at(
                ErrorKind::Usage,
                tvcheck::Location::file(f),
                "the password file is empty"
            ));
        }
        return Ok(Some(line));
    }
    Ok(std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()))
}

fn trusted_keys(args: &[String]) -> anyhow::Result<Vec<TrustedKey>> {
    let mut keys = Vec::with_capacity(args.len());
    for a in args {
        keys.push(snapshot::read_public_key(a)?);
    }
    Ok(keys)
}

/// Writes a new file that must not exist yet, readable by its owner only when `secret`.
fn write_new(path: &Path, text: &str, secret: bool) -> anyhow::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| {
        let mut err = Error::io(ErrorKind::Output, path, "cannot create", &e);
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            err = err.hint("a key file is never overwritten: choose another name, or move the old key away first");
        }
        err
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(ErrorKind::Output, path, "cannot write", &e))?;
    Ok(())
}

pub fn keygen(
    output: &Path,
    unencrypted: bool,
    password_file: Option<&Path>,
) -> anyhow::Result<ExitStatus> {
    let pw = password(password_file)?;
    if pw.is_none() && !unencrypted {
        anyhow::bail!(Error::new(
            ErrorKind::Usage,
            "registry keygen needs a password to encrypt the secret key"
        )
        .hint(format!(
            "set {PASSWORD_ENV} or pass --password-file FILE; --unencrypted writes the key unprotected (keep it on an encrypted, offline medium)"
        )));
    }
    let (sk, pk, id) = snapshot::generate_keypair(if unencrypted { None } else { pw })?;
    let mut sk_path = output.as_os_str().to_os_string();
    sk_path.push(".key");
    let mut pk_path = output.as_os_str().to_os_string();
    pk_path.push(".pub");
    let (sk_path, pk_path) = (PathBuf::from(sk_path), PathBuf::from(pk_path));
    for p in [&sk_path, &pk_path] {
        if std::fs::symlink_metadata(p).is_ok() {
            anyhow::bail!(Error::at(
                ErrorKind::Output,
                tvcheck::Location::file(p),
                "the file exists already"
            )
            .hint("a key file is never overwritten: choose another name, or move the old key away first"));
        }
    }
    write_new(&sk_path, &sk, true)?;
    if let Err(e) = write_new(&pk_path, &pk, false) {
        let _ = std::fs::remove_file(&sk_path);
        return Err(e);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "key id {id}")?;
    writeln!(
        out,
        "secret key: {} ({}; keep it offline, never in a repository)",
        V(&tvcheck::error::display_path(&sk_path)),
        if unencrypted {
            "not encrypted"
        } else {
            "encrypted with the password"
        }
    )?;
    writeln!(
        out,
        "public key: {} (give it to the operators: they pass it to --trust)",
        V(&tvcheck::error::display_path(&pk_path))
    )?;
    Ok(ExitStatus::Success)
}

/// Arguments of `registry publish`.
pub struct PublishArgs {
    pub db: Option<PathBuf>,
    pub key: PathBuf,
    pub password_file: Option<PathBuf>,
    pub publisher: String,
    pub published_at: Option<String>,
    pub output: PathBuf,
}

pub fn publish(a: PublishArgs) -> anyhow::Result<ExitStatus> {
    let mut protected =
        a.db.as_deref()
            .map(tvcheck::source::database_files)
            .unwrap_or_default();
    protected.extend(tvcheck::source::Protected::new("the secret key", &a.key));
    tvcheck::source::guard_named_outputs(&[(&a.output, "the snapshot")], &protected)?;
    let key_bytes =
        tvcheck::source::read_regular_file(&a.key, 64 << 10, "secret key", ErrorKind::Usage)?;
    let key_text = tvcheck::source::decode_utf8(&a.key, &key_bytes, ErrorKind::Usage)?;
    let sk = snapshot::parse_secret_key(key_text, &a.key, password(a.password_file.as_deref())?)?;
    let pk = minisign::PublicKey::from_secret_key(&sk).map_err(|e| {
        Error::at(
            ErrorKind::Usage,
            tvcheck::Location::file(&a.key),
            format!("cannot read the public half of the secret key: {e}"),
        )
    })?;
    let published_at = match a.published_at {
        Some(t) => t,
        None => tvcheck::date::rfc3339_utc(super::run_time()?),
    };
    if !snapshot::is_utc_timestamp(&published_at) {
        anyhow::bail!(Error::new(
            ErrorKind::Usage,
            format!("--published-at '{published_at}' is not YYYY-MM-DDTHH:MM:SSZ"),
        )
        .hint("write it as 2026-11-01T08:00:00Z, or leave it out (SOURCE_DATE_EPOCH, else now)"));
    }
    let reg = Registry::open_or_embedded(a.db.as_deref())?;
    let bytes = snapshot::publish(&reg, &sk, &pk, &a.publisher, &published_at)?;
    super::registry::remove_temporaries_on_signals();
    tvcheck::report::output::write_atomic(&a.output, |w| w.write_all(&bytes))?;
    let signed_part = snapshot::signed_digest(&bytes).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "published {} revision {} ({} entries, {} listings; content sha256 {})",
        V(&reg.source),
        reg.revision,
        reg.data.vendors.len(),
        reg.data.listing_count(),
        reg.digest
    )?;
    writeln!(
        out,
        "to {}: published {published_at} by {}, signed with key {}; snapshot sha256 {signed_part}",
        V(&tvcheck::error::display_path(&a.output)),
        V(&a.publisher),
        snapshot::key_id(pk.keynum())
    )?;
    Ok(ExitStatus::Success)
}

/// What the history records of a pulled snapshot, in the revision's summary, and reads back for
/// rollback protection.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PullRecord {
    revision: u64,
    published_at: String,
    key: String,
    sha256: String,
    publisher: String,
}

const PULL_PREFIX: &str = "pulled signed snapshot: ";

impl PullRecord {
    fn summary(&self, downgrade_from: Option<&PullRecord>) -> String {
        let mut s = format!(
            "{PULL_PREFIX}revision={} published={} key={} sha256={} publisher={}",
            self.revision,
            self.published_at,
            self.key,
            self.sha256,
            serde_json::Value::String(self.publisher.clone())
        );
        if let Some(d) = downgrade_from {
            s.push_str(&format!(
                " downgrade-from-revision={} downgrade-from-published={} (--allow-downgrade)",
                d.revision, d.published_at
            ));
        }
        s
    }

    fn parse(summary: &str) -> Option<PullRecord> {
        let rest = summary.strip_prefix(PULL_PREFIX)?;
        let (fields, publisher) = rest.split_once(" publisher=")?;
        let mut r = PullRecord {
            revision: 0,
            published_at: String::new(),
            key: String::new(),
            sha256: String::new(),
            publisher: String::new(),
        };
        for f in fields.split(' ') {
            let (k, v) = f.split_once('=')?;
            match k {
                "revision" => r.revision = v.parse().ok()?,
                "published" => r.published_at = v.to_string(),
                "key" => r.key = v.to_string(),
                "sha256" => r.sha256 = v.to_string(),
                _ => return None,
            }
        }
        let mut de = serde_json::Deserializer::from_str(publisher).into_iter::<String>();
        r.publisher = de.next()?.ok()?;
        snapshot::is_utc_timestamp(&r.published_at).then_some(r)
    }
}

/// The latest snapshot pulled into `store`, from its history.
fn last_pull(store: &Store) -> tvcheck::error::Result<Option<(u64, PullRecord)>> {
    Ok(store
        .revisions(None)?
        .into_iter()
        .rev()
        .filter(|r| r.action.starts_with("pull"))
        .find_map(|r| PullRecord::parse(&r.summary).map(|p| (r.rev, p))))
}

/// Arguments of `registry pull`.
pub struct PullArgs {
    pub source: String,
    pub db: Option<PathBuf>,
    pub trust: Vec<String>,
    pub allow_downgrade: bool,
    pub timeout: f64,
    pub max_size: u64,
    pub actor: Option<String>,
    pub format: FormatArg,
}

/// Reads and verifies a snapshot from a file or URL.
fn get_verified(source: &str, trust: &[String], limits: Limits) -> anyhow::Result<Verified> {
    let keys = trusted_keys(trust)?;
    if keys.is_empty() {
        anyhow::bail!(Error::new(
            ErrorKind::Usage,
            "no trusted key: a snapshot is only used once its signature is verified"
        )
        .hint("pass --trust PUBKEY (the publisher's minisign public key file)"));
    }
    let bytes = fetch::fetch(source, limits)?;
    let shown = if fetch::is_url(source) {
        source.to_string()
    } else {
        tvcheck::error::display_path(Path::new(source))
    };
    Ok(snapshot::verify(&bytes, &shown, &keys)?)
}

pub fn pull(a: PullArgs) -> anyhow::Result<ExitStatus> {
    let db = a.db.clone().ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            "registry pull needs a database to write: the embedded registry is read-only",
        )
        .hint("pass --db PATH (or set TVCHECK_DB); to check against a snapshot without a database, use check --registry-snapshot")
    })?;
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 86_400.0) {
        anyhow::bail!(Error::new(
            ErrorKind::Usage,
            format!(
                "--timeout {} is not a number of seconds between 0 and 86400",
                a.timeout
            )
        ));
    }
    let limits = Limits {
        timeout: Duration::from_secs_f64(a.timeout),
        max_bytes: a.max_size,
    };
    let v = get_verified(&a.source, &a.trust, limits)?;
    let incoming = PullRecord {
        revision: v.metadata.registry_revision,
        published_at: v.metadata.published_at.clone(),
        key: v.key_id.clone(),
        sha256: v.digest.clone(),
        publisher: v.metadata.publisher.clone(),
    };
    let source_shown = if fetch::is_url(&a.source) {
        a.source.clone()
    } else {
        tvcheck::error::display_path(Path::new(&a.source))
    };
    let actor = super::actor(a.actor.clone());
    let at = tvcheck::date::rfc3339_utc(super::run_time()?);
    let shown_db = tvcheck::error::display_path(&db);
    let mut before = None;
    let mut downgrade = None;
    // The rollback check runs before the write, and again under the registry's write lock
    // (through a second, read-only connection: the history as committed), so that two pulls
    // running at once cannot both pass it against the same earlier state.
    let check = |store: &Store| -> tvcheck::error::Result<Option<PullRecord>> {
        let Some((local_rev, l)) = last_pull(store)? else {
            return Ok(None);
        };
        let older = incoming.revision < l.revision || incoming.published_at < l.published_at;
        let conflicting = incoming.revision == l.revision
            && incoming.published_at == l.published_at
            && incoming.sha256 != l.sha256;
        if !(older || conflicting) {
            return Ok(None);
        }
        if a.allow_downgrade {
            return Ok(Some(l));
        }
        Err(Error::at(
            ErrorKind::Registry,
            tvcheck::Location::file(&source_shown),
            format!(
                "refusing a rollback: the snapshot (revision {}, published {}) is {} the one {shown_db} already holds (revision {}, published {}, pulled as revision {local_rev})",
                incoming.revision,
                incoming.published_at,
                if older { "older than" } else { "a different snapshot with the same revision and time as" },
                l.revision,
                l.published_at
            ),
        )
        .hint("an old snapshot served again would undo newer listings; nothing was imported. If you mean to go back, pass --allow-downgrade (the history records it)"))
    };
    let (store, rev) = Store::create_with(&db, |store| {
        let from = check(store)?;
        let meta = ChangeMeta {
            at: at.clone(),
            actor: actor.clone(),
            action: if from.is_some() {
                "pull-downgrade".into()
            } else {
                "pull".into()
            },
            summary: incoming.summary(from.as_ref()),
            sources: vec![(source_shown.clone(), v.digest.clone())],
        };
        downgrade = from;
        store.commit_with(&meta, |existing| {
            if db.exists() {
                check(&Store::open(&db, false)?)?;
            }
            before = Some(existing.clone());
            merge_and_validate(existing, std::slice::from_ref(&v.file))
        })
    })?;
    let after = store.load()?;
    let before = before.unwrap_or_default();
    let changes = diff(&before, &after);
    let mut out = std::io::stdout().lock();
    if a.format == FormatArg::Json {
        let v = serde_json::json!({
            "source": source_shown,
            "db": shown_db,
            "revision": rev,
            "snapshot": v.info(),
            "downgrade": downgrade.is_some(),
            "sha256": after.digest(),
            "matches_snapshot": after.digest() == v.metadata.registry_sha256,
            "changes": changes,
        });
        tvcheck::escape::json_to_writer_pretty(&mut out, &v).context("cannot write the result")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(
        out,
        "verified {}: registry revision {} published {} by {}, signed with trusted key {}; snapshot sha256 {}",
        V(&source_shown),
        v.metadata.registry_revision,
        v.metadata.published_at,
        V(&v.metadata.publisher),
        v.key_id,
        v.digest
    )?;
    if let Some(d) = &downgrade {
        writeln!(
            out,
            "warning: this is a downgrade from revision {} published {} (--allow-downgrade; recorded in the history)",
            d.revision, d.published_at
        )?;
    }
    match rev {
        Some(r) => writeln!(out, "imported into {} as revision {r}", V(&shown_db))?,
        None => writeln!(
            out,
            "nothing changed: {} already held this content",
            V(&shown_db)
        )?,
    }
    drop(out);
    super::registry::print_changes(
        &changes,
        &format!("{shown_db} before the pull"),
        "after",
        FormatArg::Table,
    )?;
    let mut out = std::io::stdout().lock();
    let extra = diff(&v.data, &after);
    if extra.is_empty() {
        writeln!(
            out,
            "registry content sha256 {} (the snapshot's)",
            after.digest()
        )?;
    } else {
        writeln!(
            out,
            "note: registry content sha256 {} differs from the snapshot's {}: the database keeps {} entr{} or listing{} of its own that the snapshot does not have (entries are never deleted)",
            after.digest(),
            v.metadata.registry_sha256,
            extra.len(),
            if extra.len() == 1 { "y" } else { "ies" },
            if extra.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(ExitStatus::Success)
}

/// `registry verify --snapshot FILE [--trust KEY]...`: without `--trust`, the project's key.
pub fn verify(file: &Path, trust: &[String]) -> anyhow::Result<ExitStatus> {
    let project = trust.is_empty();
    let keys = if project {
        vec![snapshot::project_key()?]
    } else {
        trusted_keys(trust)?
    };
    let bytes = tvcheck::source::read_regular_file(
        file,
        snapshot::SIZE_LIMIT,
        "registry snapshot",
        ErrorKind::Registry,
    )?;
    let shown = tvcheck::error::display_path(file);
    let v = snapshot::verify(&bytes, &shown, &keys)?;
    let mut out = std::io::stdout().lock();
    let origin = keys
        .iter()
        .find(|k| k.id == v.key_id)
        .map_or("", |k| k.origin.as_str());
    writeln!(
        out,
        "signature: ok (trusted key {} from {})",
        v.key_id,
        V(origin)
    )?;
    writeln!(
        out,
        "registry revision {}, last change {}, {} entries, {} listings; content sha256 {} matches the metadata",
        v.metadata.registry_revision,
        V(v.metadata.last_change.as_deref().unwrap_or("unknown")),
        v.data.vendors.len(),
        v.data.listing_count(),
        v.metadata.registry_sha256
    )?;
    writeln!(
        out,
        "published {} by {} with tvcheck {}; snapshot sha256 {}",
        v.metadata.published_at,
        V(&v.metadata.publisher),
        V(&v.metadata.tvcheck_version),
        v.digest
    )?;
    if project {
        let embedded = Registry::embedded()?;
        if embedded.digest != v.metadata.registry_sha256 {
            anyhow::bail!(Error::at(
                ErrorKind::Registry,
                tvcheck::Location::file(&shown),
                format!(
                    "the snapshot holds registry content sha256 {}, but this tvcheck's embedded registry is {}",
                    v.metadata.registry_sha256, embedded.digest
                ),
            )
            .hint("the project's snapshot is stale: regenerate it with scripts/publish-embedded-snapshot.sh (needs the project's secret key)"));
        }
        writeln!(out, "matches this tvcheck's embedded registry")?;
    }
    writeln!(out, "{}: ok", V(&shown))?;
    Ok(ExitStatus::Success)
}

/// The registry of `check --registry-snapshot FILE --trust KEY...`: verified, in memory.
pub fn registry_for_check(file: &Path, trust: &[String]) -> anyhow::Result<Registry> {
    let keys = trusted_keys(trust)?;
    let shown = tvcheck::error::display_path(file);
    if keys.is_empty() {
        anyhow::bail!(Error::new(
            ErrorKind::Usage,
            "--registry-snapshot needs --trust PUBKEY: a snapshot is only used once its signature is verified"
        )
        .hint("pass the publisher's minisign public key file with --trust"));
    }
    let bytes = tvcheck::source::read_regular_file(
        file,
        snapshot::SIZE_LIMIT,
        "registry snapshot",
        ErrorKind::Registry,
    )?;
    Ok(snapshot::verify(&bytes, &shown, &keys)?.into_registry(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_records_read_back() {
        let r = PullRecord {
            revision: 7,
            published_at: "2026-11-01T00:00:00Z".into(),
            key: "ABCDEF0123456789".into(),
            sha256: "ab".repeat(32),
            publisher: "Regulator \"RRT\" publisher=x".into(),
        };
        assert_eq!(PullRecord::parse(&r.summary(None)), Some(r.clone()));
        assert_eq!(PullRecord::parse(&r.summary(Some(&r))), Some(r.clone()));
        assert_eq!(PullRecord::parse("imported 3 entries"), None);
    }
}
