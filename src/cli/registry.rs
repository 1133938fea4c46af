//! `tvcheck registry ...`: import, retire, delist, list, show, history, status, diff, export
//! and verify (signed snapshots: keygen, publish, pull and `verify --snapshot` are in
//! `snapshot.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use tvcheck::escape::{visible, Visible as V};
use tvcheck::registry::diff::{diff, Change};
use tvcheck::registry::import::{merge_and_validate, read_import_file};
use tvcheck::registry::{ChangeMeta, RegistryData, Store};
use tvcheck::{Date, Error, ErrorKind, Registry};

use super::args::{ExportFormat, FormatArg, RegistryCommand};
use super::ExitStatus;

pub fn run(cmd: RegistryCommand) -> anyhow::Result<ExitStatus> {
    match cmd {
        RegistryCommand::Import { files, db, actor } => import(&files, db.as_deref(), actor),
        RegistryCommand::Retire {
            id,
            reason,
            on,
            db,
            actor,
        } => retire(&id, &reason, on, db.as_deref(), actor),
        RegistryCommand::Delist {
            id,
            list,
            reason,
            on,
            db,
            actor,
        } => delist(&id, &list, &reason, on, db.as_deref(), actor),
        RegistryCommand::List { db, format } => list(db.as_deref(), format),
        RegistryCommand::Show { id, db, format } => show(&id, db.as_deref(), format),
        RegistryCommand::History { id, db, format } => {
            history(id.as_deref(), db.as_deref(), format)
        }
        RegistryCommand::Status {
            db,
            max_age,
            format,
        } => status(db.as_deref(), max_age, format),
        RegistryCommand::Diff {
            dbs,
            from,
            to,
            db,
            format,
        } => diff_cmd(&dbs, from, to, db.as_deref(), format),
        RegistryCommand::Export { db, format, output } => export(db.as_deref(), format, output),
        RegistryCommand::Verify {
            snapshot: Some(file),
            trust,
            ..
        } => super::snapshot::verify(&file, &trust),
        RegistryCommand::Verify { db, .. } => verify(db.as_deref()),
        RegistryCommand::Keygen {
            output,
            unencrypted,
            password_file,
        } => super::snapshot::keygen(&output, unencrypted, password_file.as_deref()),
        RegistryCommand::Publish {
            db,
            key,
            password_file,
            publisher,
            published_at,
            output,
        } => super::snapshot::publish(super::snapshot::PublishArgs {
            db,
            key,
            password_file,
            publisher,
            published_at,
            output,
        }),
        RegistryCommand::Pull {
            source,
            db,
            trust,
            allow_downgrade,
            timeout,
            max_size,
            actor,
            format,
        } => super::snapshot::pull(super::snapshot::PullArgs {
            source,
            db,
            trust,
            allow_downgrade,
            timeout,
            max_size,
            actor,
            format,
        }),
    }
}

fn need_db(db: Option<&Path>, what: &str) -> anyhow::Result<PathBuf> {
    db.map(Path::to_path_buf).ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            format!(
                "registry {what} needs a database to write: the embedded registry is read-only"
            ),
        )
        .hint("pass --db PATH (or set TVCHECK_DB)")
        .into()
    })
}

fn meta(
    action: &str,
    summary: String,
    actor: Option<String>,
    sources: Vec<(String, String)>,
) -> anyhow::Result<ChangeMeta> {
    Ok(ChangeMeta {
        at: tvcheck::date::rfc3339_utc(super::run_time()?),
        actor: super::actor(actor),
        action: action.to_string(),
        summary,
        sources,
    })
}

fn today() -> anyhow::Result<Date> {
    Ok(Date::from_days(super::run_time()?.div_euclid(86_400)))
}

fn import(
    files: &[PathBuf],
    db: Option<&Path>,
    actor: Option<String>,
) -> anyhow::Result<ExitStatus> {
    let db = need_db(db, "import")?;
    let mut parsed = Vec::with_capacity(files.len());
    for f in files {
        parsed.push(read_import_file(f)?);
    }
    let vendors: usize = parsed.iter().map(|f| f.data.vendors.len()).sum();
    let lists: usize = parsed.iter().map(|f| f.data.lists.len()).sum();
    let names: Vec<&str> = parsed.iter().map(|f| f.path.as_str()).collect();
    let m = meta(
        "import",
        format!(
            "imported {vendors} entries and {lists} list definitions from {}",
            names.join(", ")
        ),
        actor,
        parsed
            .iter()
            .map(|f| (f.path.clone(), f.sha256.clone()))
            .collect(),
    )?;
    // The files are merged over the content as it is under the registry's write lock, so that
    // concurrent imports are serialised and none is lost. A registry this command creates is
    // made aside and put in place only once the import is in it: a failed first import leaves
    // no file, and no other process ever sees a half-made one.
    let (store, rev) = Store::create_with(&db, |store| {
        store.commit_with(&m, |existing| merge_and_validate(existing, &parsed))
    })?;
    let after = store.load()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "imported {vendors} vendor entries and {lists} list definitions from {} file{} into {}",
        parsed.len(),
        if parsed.len() == 1 { "" } else { "s" },
        V(&tvcheck::error::display_path(&db))
    )?;
    match rev {
        Some(r) => {
            let n = store.change_count(r)?;
            writeln!(
                out,
                "revision {r}: {} change{}",
                n,
                if n == 1 { "" } else { "s" }
            )?
        }
        None => writeln!(
            out,
            "nothing changed: the registry already held this content"
        )?,
    }
    writeln!(
        out,
        "registry now holds {} vendors and {} listings (sha256 {})",
        after.vendors.len(),
        after.listing_count(),
        after.digest()
    )?;
    Ok(ExitStatus::Success)
}

/// What `retire` and `delist` share: the database opened for writing and the date the record
/// ends (`--on`, else today), after checking that a reason was given. The content is changed
/// under the registry's write lock ([`Store::commit_with`]).
fn ending(
    db: Option<&Path>,
    command: &str,
    reason: &str,
    on: Option<Date>,
    why: &str,
) -> anyhow::Result<(Store, Date)> {
    if reason.trim().is_empty() {
        bail!(Error::new(ErrorKind::Usage, "--reason is empty").hint(why));
    }
    let db = need_db(db, command)?;
    let store = Store::open(&db, true)?;
    let on = match on {
        Some(d) => d,
        None => today()?,
    };
    Ok((store, on))
}

fn retire(
    id: &str,
    reason: &str,
    on: Option<Date>,
    db: Option<&Path>,
    actor: Option<String>,
) -> anyhow::Result<ExitStatus> {
    let (mut store, on) = ending(db, "retire", reason, on, "say why the entry is retired")?;
    let m = meta(
        "retire",
        format!("retired {id} from {on}: {}", reason.trim()),
        actor,
        Vec::new(),
    )?;
    let rev = store.commit_with(&m, |current| {
        tvcheck::registry::edit::retire(current, id, on, reason)
    })?;
    writeln!(
        std::io::stdout().lock(),
        "retired {} from {on} (revision {})",
        V(id),
        rev.unwrap_or_default()
    )?;
    Ok(ExitStatus::Success)
}

fn delist(
    id: &str,
    list: &str,
    reason: &str,
    on: Option<Date>,
    db: Option<&Path>,
    actor: Option<String>,
) -> anyhow::Result<ExitStatus> {
    let (mut store, on) = ending(db, "delist", reason, on, "say why the listing ends")?;
    let m = meta(
        "delist",
        format!("delisted {id} from {list} from {on}: {}", reason.trim()),
        actor,
        Vec::new(),
    )?;
    let rev = store.commit_with(&m, |current| {
        tvcheck::registry::edit::delist(current, id, list, on, reason)
    })?;
    writeln!(
        std::io::stdout().lock(),
        "delisted {} from {} from {on} (revision {})",
        V(id),
        V(list),
        rev.unwrap_or_default()
    )?;
    Ok(ExitStatus::Success)
}

/// Opens the registry named by --db (read-only), or builds the embedded one in memory.
fn open_store(db: Option<&Path>) -> anyhow::Result<(Store, String)> {
    match db {
        Some(p) => Ok((Store::open(p, false)?, tvcheck::error::display_path(p))),
        None => Ok((Registry::embedded_store()?, "embedded".to_string())),
    }
}

fn history(id: Option<&str>, db: Option<&Path>, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let (store, _) = open_store(db)?;
    let revs = store.revisions(id)?;
    let mut out = std::io::stdout().lock();
    if format == FormatArg::Json {
        tvcheck::escape::json_to_writer_pretty(&mut out, &revs)
            .context("cannot write the history")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    if revs.is_empty() {
        writeln!(
            out,
            "no changes recorded{}",
            id.map_or(String::new(), |i| format!(" for '{}'", V(i)))
        )?;
    }
    for r in &revs {
        writeln!(
            out,
            "revision {} · {} · {} · {}: {}",
            r.rev,
            V(&r.at),
            V(&r.actor),
            V(&r.action),
            V(&r.summary)
        )?;
        if let (Some(f), Some(h)) = (&r.source_file, &r.source_sha256) {
            for (file, sha) in f.split("; ").zip(h.split("; ")) {
                writeln!(out, "  source {} (sha256 {})", V(file), V(sha))?;
            }
        }
        for c in &r.changes {
            writeln!(
                out,
                "  {:<15} {:<32} {}",
                c.kind.as_str(),
                V(&c.entity),
                V(&c.detail)
            )?;
        }
        writeln!(out, "  content sha256 {}", V(&r.digest))?;
    }
    Ok(ExitStatus::Success)
}

fn status(db: Option<&Path>, max_age: u32, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let (store, source) = open_store(db)?;
    let reg = Registry::from_store(&store, source)?;
    let retired = reg
        .data
        .vendors
        .iter()
        .filter(|v| v.retired_on.is_some())
        .count();
    let delisted = reg
        .data
        .vendors
        .iter()
        .flat_map(|v| &v.listings)
        .filter(|l| l.delisted_on.is_some())
        .count();
    let age = reg
        .last_change
        .as_deref()
        .and_then(|t| age_days(t, today().ok()?));
    let stale = age.is_some_and(|a| a > i64::from(max_age));
    let mut out = std::io::stdout().lock();
    if format == FormatArg::Json {
        let v = serde_json::json!({
            "source": reg.source,
            "revision": reg.revision,
            "last_change": reg.last_change,
            "age_days": age,
            "stale": stale,
            "schema_version": reg.schema_version,
            "entries": reg.data.vendors.len(),
            "retired": retired,
            "listings": reg.data.listing_count(),
            "delisted": delisted,
            "lists": reg.data.lists.len(),
            "sha256": reg.digest,
        });
        tvcheck::escape::json_to_writer_pretty(&mut out, &v).context("cannot write the status")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "registry {}", V(&reg.source))?;
    writeln!(
        out,
        "  revision: {}; last change: {}",
        reg.revision,
        V(reg.last_change.as_deref().unwrap_or("never"))
    )?;
    writeln!(out, "  schema version: {}", reg.schema_version)?;
    writeln!(
        out,
        "  entries: {} ({retired} retired); listings: {} ({delisted} delisted); lists: {}",
        reg.data.vendors.len(),
        reg.data.listing_count(),
        reg.data.lists.len()
    )?;
    writeln!(out, "  content sha256: {}", reg.digest)?;
    if stale {
        writeln!(
            out,
            "  warning: the last change is {} days old, more than {max_age} days: check the designating lists for updates",
            age.unwrap_or_default()
        )?;
    }
    Ok(ExitStatus::Success)
}

/// Days from an RFC 3339 timestamp's date to `today`.
pub fn age_days(timestamp: &str, today: Date) -> Option<i64> {
    let d: Date = timestamp.get(..10)?.parse().ok()?;
    Some(d.days_until(today))
}

pub(super) fn print_changes(
    changes: &[Change],
    from: &str,
    to: &str,
    format: FormatArg,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if format == FormatArg::Json {
        let v = serde_json::json!({ "from": from, "to": to, "changes": changes });
        tvcheck::escape::json_to_writer_pretty(&mut out, &v).context("cannot write the diff")?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "changes from {} to {}: {}",
        V(from),
        V(to),
        changes.len()
    )?;
    if !changes.is_empty() {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(160)
            .set_header(vec!["entity", "change", "detail"]);
        for c in changes {
            t.add_row(vec![
                visible(&c.entity).into_owned(),
                c.kind.as_str().to_string(),
                visible(&c.detail).into_owned(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    Ok(())
}

fn diff_cmd(
    dbs: &[PathBuf],
    from: Option<u64>,
    to: Option<u64>,
    db: Option<&Path>,
    format: FormatArg,
) -> anyhow::Result<ExitStatus> {
    match (dbs, from) {
        ([old, new], None) => {
            let a = Store::open(old, false)?.load()?;
            let b = Store::open(new, false)?.load()?;
            print_changes(
                &diff(&a, &b),
                &tvcheck::error::display_path(old),
                &tvcheck::error::display_path(new),
                format,
            )?;
        }
        ([], Some(from)) => {
            let db = db.ok_or_else(|| {
                Error::new(ErrorKind::Usage, "registry diff --from needs --db PATH").hint("or compare two files: registry diff OLD.db NEW.db")
            })?;
            let store = Store::open(db, false)?;
            let latest = store.revision()?;
            let to = to.unwrap_or(latest);
            let content = |rev: u64| -> anyhow::Result<RegistryData> {
                store.content_at(rev)?.ok_or_else(|| {
                    Error::new(ErrorKind::Usage, format!("the registry has no revision {rev}"))
                        .hint(format!("revisions run from 1 to {latest}"))
                        .into()
                })
            };
            let (a, b) = (content(from)?, content(to)?);
            print_changes(&diff(&a, &b), &format!("revision {from}"), &format!("revision {to}"), format)?;
        }
        _ => bail!(Error::new(
            ErrorKind::Usage,
            "registry diff needs either two databases (OLD.db NEW.db) or --from REV [--to REV] with --db"
        )),
    }
    Ok(ExitStatus::Success)
}

fn export(
    db: Option<&Path>,
    format: ExportFormat,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitStatus> {
    if let Some(out) = output.as_deref() {
        let protected = db.map(tvcheck::source::database_files).unwrap_or_default();
        tvcheck::source::guard_outputs(&[out], &protected)?;
        remove_temporaries_on_signals();
    }
    let reg = Registry::open_or_embedded(db)?;
    let bytes = match format {
        ExportFormat::Toml => tvcheck::registry::export::to_toml(&reg.data).into_bytes(),
        ExportFormat::Csv => {
            tvcheck::registry::export::to_csv(&reg.data).context("cannot write CSV")?
        }
    };
    match output {
        Some(p) => tvcheck::report::output::write_atomic(&p, |w| w.write_all(&bytes))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    if format == ExportFormat::Csv {
        eprintln!("{}", csv_export_note(&reg));
    }
    Ok(ExitStatus::Success)
}

/// What `registry export --format csv` says on standard error: what the CSV holds and what
/// it leaves out. It holds the whole content (imported into an empty database it gives the
/// same digest: tested); what it leaves out is what no export holds, the change log, and
/// what a spreadsheet does to it.
fn csv_export_note(reg: &Registry) -> String {
    format!(
        "note: the CSV holds the registry's whole content ({} list definitions, {} entries and {} listings, with their bases, sources, notes, scopes, purposes, retirements and delistings; imported into an empty database it gives the same sha256 {}); it leaves out the change log (revisions, times, actors, source files: see `registry history`), as the TOML export does; several values in one cell are joined with '|' (a '|' or '\\' in a value is escaped with '\\'), and a cell a spreadsheet would read as a formula starts with ' (the import removes it)",
        reg.data.lists.len(),
        reg.data.vendors.len(),
        reg.data.listing_count(),
        reg.digest
    )
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the temporary report files being written and
/// end the process with status 128 + the signal (130, 143, 129). Installed once, by commands
/// that write report files.
pub(super) fn remove_temporaries_on_signals() {
    #[cfg(unix)]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            // Registered on the thread itself: if it cannot start, the signals keep their
            // default action (ending the process) rather than being swallowed.
            let _ = std::thread::Builder::new()
                .name("tvcheck-signals".to_string())
                .spawn(|| {
                    let Ok(mut signals) =
                        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
                    else {
                        return;
                    };
                    if let Some(sig) = signals.forever().next() {
                        let _stopped = tvcheck::report::output::remove_temporaries();
                        std::process::exit(128 + sig);
                    }
                });
        });
    }
}

fn verify(db: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let db = db.ok_or_else(|| Error::new(ErrorKind::Usage, "registry verify needs --db PATH"))?;
    let store = Store::open(db, false)?;
    let mut out = std::io::stdout().lock();
    let mut problems = 0;
    let integrity = store.integrity_check()?;
    if integrity == ["ok"] {
        writeln!(out, "sqlite integrity check: ok")?;
    } else {
        problems += integrity.len();
        for p in &integrity {
            writeln!(out, "sqlite integrity check: {p}")?;
        }
    }
    let revs = store.revisions(None)?;
    for r in &revs {
        let content = store.content_at(r.rev)?;
        let ok = content.as_ref().is_some_and(|c| c.digest() == r.digest);
        if !ok {
            problems += 1;
            writeln!(
                out,
                "revision {}: snapshot does not match its recorded digest {}",
                r.rev, r.digest
            )?;
        }
    }
    let current = store.load()?.digest();
    match revs.last() {
        Some(last) if last.digest == current => {
            writeln!(
                out,
                "{} revisions verified; current content sha256 {current} matches revision {}",
                revs.len(),
                last.rev
            )?;
        }
        Some(last) => {
            problems += 1;
            writeln!(
                out,
                "current content sha256 {current} differs from revision {} ({})",
                last.rev, last.digest
            )?;
        }
        None => writeln!(
            out,
            "no revisions recorded; current content sha256 {current}"
        )?,
    }
    // Data quality, not integrity: a warning, not a failure.
    for gap in store.load()?.native_name_gaps() {
        writeln!(
            out,
            "warning: {} (add the native legal name as an alias, so that inventories written in that script match)",
            V(&gap)
        )?;
    }
    if problems == 0 {
        writeln!(out, "{}: ok", V(&tvcheck::error::display_path(db)))?;
        Ok(ExitStatus::Success)
    } else {
        bail!(Error::at(
            ErrorKind::Registry,
            tvcheck::Location::file(db),
            format!(
                "{problems} problem{} found",
                if problems == 1 { "" } else { "s" }
            )
        )
        .hint("restore the registry from a backup or re-import its sources"))
    }
}

fn list(db: Option<&Path>, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let reg = Registry::open_or_embedded(db)?;
    let mut out = std::io::stdout().lock();
    match format {
        FormatArg::Json => {
            tvcheck::escape::json_to_writer_pretty(&mut out, &reg.data)
                .context("cannot write the list")?;
            writeln!(out)?;
        }
        FormatArg::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(160)
                .set_header(vec!["id", "name", "country", "parent", "listings"]);
            for v in &reg.data.vendors {
                let listings: Vec<String> = v
                    .listings
                    .iter()
                    .map(|l| match l.delisted_on {
                        Some(d) => format!("{}@{} (delisted {d})", V(&l.list), l.listed_on),
                        None => format!("{}@{}", V(&l.list), l.listed_on),
                    })
                    .collect();
                t.add_row(vec![
                    visible(&v.id).into_owned(),
                    match v.retired_on {
                        Some(r) => format!("{} (retired {r})", V(&v.name)),
                        None => visible(&v.name).into_owned(),
                    },
                    visible(v.country.as_deref().unwrap_or("-")).into_owned(),
                    v.parent.as_deref().map_or_else(
                        || "-".into(),
                        |p| match v.parent_until {
                            Some(u) => format!("{} (until {u})", V(p)),
                            None => visible(p).into_owned(),
                        },
                    ),
                    if listings.is_empty() {
                        "-".into()
                    } else {
                        listings.join(", ")
                    },
                ]);
            }
            writeln!(out, "{t}")?;
            let retired = reg
                .data
                .vendors
                .iter()
                .filter(|v| v.retired_on.is_some())
                .count();
            let delisted = reg
                .data
                .vendors
                .iter()
                .flat_map(|v| &v.listings)
                .filter(|l| l.delisted_on.is_some())
                .count();
            // Said only when there are any, so that a registry without is listed as before.
            let ended = match (retired, delisted) {
                (0, 0) => String::new(),
                _ => format!(" ({retired} retired, {delisted} delisted: see `registry show ID`)"),
            };
            writeln!(
                out,
                "{} vendors, {} listings, {} lists{ended} · registry {} · sha256 {}",
                reg.data.vendors.len(),
                reg.data.listing_count(),
                reg.data.lists.len(),
                V(&reg.source),
                reg.digest
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

fn show(id: &str, db: Option<&Path>, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let reg = Registry::open_or_embedded(db)?;
    let Some(v) = reg.vendor(id) else {
        bail!(tvcheck::registry::edit::no_entry(&reg.data, id));
    };
    let mut out = std::io::stdout().lock();
    if format == FormatArg::Json {
        tvcheck::escape::json_to_writer_pretty(&mut out, v).context("cannot write the entry")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "{} ({})", V(&v.name), V(&v.id))?;
    // Who ended a record and when: the revision of the change log that records it (a
    // database's; the embedded registry's history is its one import).
    let ended = v.retired_on.is_some() || v.listings.iter().any(|l| l.delisted_on.is_some());
    let revisions = match db {
        Some(p) if ended => Store::open(p, false)?.revisions(Some(id))?,
        _ => Vec::new(),
    };
    let recorded = |kind: tvcheck::registry::diff::ChangeKind, prefix: &str| -> String {
        revisions
            .iter()
            .rev()
            .find(|r| {
                r.changes
                    .iter()
                    .any(|c| c.entity == id && c.kind == kind && c.detail.starts_with(prefix))
            })
            .map_or_else(
                || format!(" (see `registry history {}`)", V(id)),
                |r| format!(" (revision {}, {}, by {})", r.rev, V(&r.at), V(&r.actor)),
            )
    };
    if let Some(r) = v.retired_on {
        writeln!(
            out,
            "  retired: from {r}: {}{}",
            V(v.retired_reason.as_deref().unwrap_or("no reason recorded")),
            recorded(tvcheck::registry::diff::ChangeKind::Retired, "")
        )?;
    }
    let country = v.country.as_deref().map_or_else(
        || "unknown".to_string(),
        |c| format!("{} ({})", V(c), tvcheck::countries::name(c).unwrap_or("?")),
    );
    writeln!(out, "  country of registration: {country}")?;
    if !v.aliases.is_empty() {
        writeln!(out, "  aliases: {}", V(&v.aliases.join("; ")))?;
    }
    if !v.model_patterns.is_empty() {
        writeln!(out, "  model patterns: {}", V(&v.model_patterns.join(", ")))?;
    }
    if !v.fcc_grantee_codes.is_empty() {
        writeln!(
            out,
            "  FCC grantee codes: {}",
            V(&v.fcc_grantee_codes.join(", "))
        )?;
    }
    if let Some(p) = &v.parent {
        let name = reg.vendor(p).map_or("?", |p| p.name.as_str());
        let mut line = format!("  controlled by: {} ({})", V(name), V(p));
        if let Some(s) = v.parent_since {
            line.push_str(&format!(" since {s}"));
        }
        if let Some(u) = v.parent_until {
            line.push_str(&format!(" until {u}"));
        }
        writeln!(out, "{line}")?;
    }
    let children: Vec<&str> = reg
        .data
        .vendors
        .iter()
        .filter(|c| c.parent.as_deref() == Some(&v.id))
        .map(|c| c.id.as_str())
        .collect();
    if !children.is_empty() {
        writeln!(out, "  controls: {}", V(&children.join(", ")))?;
    }
    writeln!(out, "  confidence: {}", v.confidence.as_str())?;
    for s in &v.sources {
        writeln!(out, "  source: {}", V(s))?;
    }
    if let Some(n) = &v.notes {
        writeln!(out, "  notes: {}", V(n))?;
    }
    if v.listings.is_empty() {
        writeln!(out, "  listings: none")?;
    }
    for l in &v.listings {
        let def = reg.list(&l.list);
        writeln!(
            out,
            "  listed on {} ({}) since {}{}",
            V(&l.list),
            V(def.map_or("list not defined", |d| d.title.as_str())),
            l.listed_on,
            if l.confidence == tvcheck::registry::Confidence::Weak {
                " [weakly confirmed]"
            } else {
                ""
            }
        )?;
        let basis = l
            .basis
            .as_deref()
            .or(def.map(|d| d.basis.as_str()))
            .unwrap_or("-");
        writeln!(out, "    basis: {}", V(basis))?;
        if let Some(src) = l.source.as_deref().or(def.map(|d| d.source.as_str())) {
            writeln!(out, "    source: {}", V(src))?;
        }
        if l.scope == tvcheck::registry::Scope::PurposeLimited {
            writeln!(out, "    scope: only for {}", V(&l.purposes.join(", ")))?;
        }
        if let Some(n) = &l.notes {
            writeln!(out, "    notes: {}", V(n))?;
        }
        if let Some(d) = l.delisted_on {
            writeln!(
                out,
                "    delisted: from {d}: {}{}",
                V(l.delisted_reason.as_deref().unwrap_or("no reason recorded")),
                recorded(
                    tvcheck::registry::diff::ChangeKind::Delisted,
                    &format!("{} (listed since {})", l.list, l.listed_on)
                )
            )?;
        }
    }
    Ok(ExitStatus::Success)
}
