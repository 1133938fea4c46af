//! Signed registry snapshots: `registry keygen`, `publish`, `pull` (from files and from an HTTP
//! server on 127.0.0.1 that the test runs), `check --registry-snapshot` and
//! `registry verify --snapshot`, and everything they must refuse.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{repo, Env, Out};

const REG: &str = r#"
[[list]]
id = "test-list"
title = "Test designation list"
jurisdiction = "LT"
basis = "Test Act 2020, art. 1"
source = "https://example.org/test-list"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "CN"
aliases = ["Acme"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "goodco"
name = "Goodco Networks AB"
country = "SE"
"#;

/// The second revision: Acme gains an alias, a new vendor is listed.
const REG2: &str = r#"
[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "CN"
aliases = ["Acme", "Acme Radio"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "badco"
name = "Badco Telecom Ltd"
country = "CN"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2026-06-01
"#;

/// 2026-12-01T00:00:00Z: the time of every command (the imports' "last change" too).
const EPOCH: &str = "1796083200";
const AS_OF: &str = "2026-12-01";
const T1: &str = "2026-11-01T00:00:00Z";
const T2: &str = "2026-11-15T00:00:00Z";

fn run(env: &Env, args: &[&str]) -> Out {
    env.run_env(args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

/// A regulator's folder: `pub.db` (one revision), the key pair `reg.key`/`reg.pub`, and
/// `s1.tvreg` published at T1.
fn setup() -> Env {
    let env = Env::new();
    env.file("reg.toml", REG);
    env.file("reg2.toml", REG2);
    env.file(
        "inv.csv",
        "asset_id,vendor,model\nA1,Acme,AR-1\nA2,Goodco,G-2\nA3,Badco,B-3\n",
    );
    run(&env, &["registry", "import", "reg.toml", "--db", "pub.db"]).code(0);
    let out = run(&env, &["registry", "keygen", "-o", "reg", "--unencrypted"]);
    out.code(0);
    assert!(out.stdout.contains("key id "), "{}", out.stdout);
    publish(&env, "s1.tvreg", T1);
    env
}

fn publish(env: &Env, name: &str, at: &str) {
    run(
        env,
        &[
            "registry",
            "publish",
            "--db",
            "pub.db",
            "--key",
            "reg.key",
            "--publisher",
            "Test Regulator",
            "--published-at",
            at,
            "-o",
            name,
        ],
    )
    .code(0);
}

fn pull(env: &Env, source: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "registry", "pull", source, "--db", "op.db", "--trust", "reg.pub",
    ];
    args.extend(extra);
    run(env, &args)
}

/// The key id of `reg.pub` (the last word of its comment line).
fn key_id(env: &Env, name: &str) -> String {
    let text = std::fs::read_to_string(env.path(name)).unwrap();
    text.lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string()
}

/// SHA-256 of a snapshot's signed part: everything before its last `untrusted comment:` line.
fn signed_digest(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap();
    let at = text.rfind("\nuntrusted comment: ").unwrap() + 1;
    tvcheck::source::digest::sha256_hex(&bytes[..at])
}

fn history(env: &Env, db: &str) -> Vec<serde_json::Value> {
    let out = run(
        env,
        &["registry", "history", "--db", db, "--format", "json"],
    );
    out.code(0);
    serde_json::from_str::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn publish_then_pull_gives_the_same_registry_and_records_where_it_came_from() {
    let env = setup();
    let out = pull(&env, "s1.tvreg", &[]);
    out.code(0);
    assert_eq!(
        env.registry_digest(Some("op.db")),
        env.registry_digest(Some("pub.db"))
    );
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    let snap = signed_digest(&bytes);
    let key = key_id(&env, "reg.pub");
    assert!(out.stdout.contains(&snap), "{}", out.stdout);
    assert!(out.stdout.contains(&key), "{}", out.stdout);
    // What changed, as `registry diff` shows it.
    assert!(
        out.stdout.contains("acme") && out.stdout.contains("added"),
        "{}",
        out.stdout
    );
    let h = history(&env, "op.db");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["action"], "pull");
    assert_eq!(h[0]["source_file"], "s1.tvreg");
    assert_eq!(h[0]["source_sha256"], snap.as_str());
    let summary = h[0]["summary"].as_str().unwrap();
    assert!(summary.contains(&format!("key={key}")), "{summary}");
    assert!(
        summary.contains("revision=1") && summary.contains(T1),
        "{summary}"
    );
    // The puller's registry verifies like any other.
    run(&env, &["registry", "verify", "--db", "op.db"]).code(0);
    // The same snapshot again changes nothing.
    let again = pull(&env, "s1.tvreg", &[]);
    again.code(0);
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    assert_eq!(history(&env, "op.db").len(), 1);
    // Publishing is reproducible: the same registry and time give the same signed part.
    publish(&env, "s1-again.tvreg", T1);
    assert_eq!(
        signed_digest(&std::fs::read(env.path("s1-again.tvreg")).unwrap()),
        snap
    );
}

/// Refusals leave no database behind and print no report.
#[track_caller]
fn refused(env: &Env, source: &str, fragments: &[&str]) {
    let out = pull(env, source, &[]);
    out.error(fragments);
    assert!(!env.path("op.db").exists(), "a refused pull made op.db");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = run(
        env,
        &[
            "check",
            "inv.csv",
            "--registry-snapshot",
            source,
            "--trust",
            "reg.pub",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
    );
    out.error(fragments);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn one_changed_byte_anywhere_is_refused() {
    let env = setup();
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let meta_at = text.find("\"publisher\":\"Test Regulator").unwrap() + 13;
    let payload_at = text.find("Acme Radio Ltd").unwrap();
    let sig_line = text.rfind("\nuntrusted comment: ").unwrap() + 1;
    let sig_at = sig_line + text[sig_line..].find('\n').unwrap() + 20;
    for (what, at) in [
        ("metadata", meta_at),
        ("payload", payload_at),
        ("signature", sig_at),
    ] {
        let mut bad = bytes.clone();
        bad[at] = if bad[at] == b'B' { b'C' } else { b'B' };
        let name = format!("bad-{what}.tvreg");
        env.file(&name, &bad);
        refused(&env, &name, &["does not verify", &name]);
    }
    // Cut short: the signature is gone or damaged.
    env.file("short.tvreg", &bytes[..bytes.len() - 40]);
    refused(&env, "short.tvreg", &["short.tvreg", "signature"]);
    env.file("half.tvreg", &bytes[..bytes.len() / 2]);
    refused(&env, "half.tvreg", &["half.tvreg", "no signature"]);
    env.file("empty.tvreg", "");
    refused(&env, "empty.tvreg", &["not a tvcheck registry snapshot"]);
}

#[test]
fn a_key_that_is_not_trusted_is_refused() {
    let env = setup();
    run(
        &env,
        &["registry", "keygen", "-o", "other", "--unencrypted"],
    )
    .code(0);
    let signer = key_id(&env, "reg.pub");
    let other = key_id(&env, "other.pub");
    let out = run(
        &env,
        &[
            "registry",
            "pull",
            "s1.tvreg",
            "--db",
            "op.db",
            "--trust",
            "other.pub",
        ],
    );
    out.error(&["s1.tvreg", &signer, "not a trusted key", &other]);
    assert!(!env.path("op.db").exists());
    // Trusting several keys, one of them the signer's, is enough; the key line alone works too.
    let line = std::fs::read_to_string(env.path("reg.pub"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let out = run(
        &env,
        &[
            "registry",
            "pull",
            "s1.tvreg",
            "--db",
            "op.db",
            "--trust",
            "other.pub",
            "--trust",
            &line,
        ],
    );
    out.code(0);
    // A key file that is not a key.
    env.file("junk.pub", "untrusted comment: x\nnot a key\n");
    let out = run(
        &env,
        &[
            "registry", "pull", "s1.tvreg", "--db", "x.db", "--trust", "junk.pub",
        ],
    );
    out.error(&["junk.pub", "not a minisign public key"]);
}

#[test]
fn metadata_that_does_not_match_the_content_is_refused_though_signed() {
    let env = setup();
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let signed = &text[..text.rfind("\nuntrusted comment: ").unwrap() + 1];
    let key_text = std::fs::read_to_string(env.path("reg.key")).unwrap();
    let sk = tvcheck::registry::snapshot::parse_secret_key(&key_text, Path::new("reg.key"), None)
        .unwrap();
    let pk = minisign::PublicKey::from_secret_key(&sk).unwrap();
    let real = env.registry_digest(Some("pub.db"));
    let sign = |s: String| {
        tvcheck::registry::snapshot::sign_bytes(s.into_bytes(), &sk, &pk, "test").unwrap()
    };
    // The content digest in the metadata is not the payload's registry.
    let lying = signed.replace(&real, &"0".repeat(64));
    env.file("lying.tvreg", sign(lying));
    refused(
        &env,
        "lying.tvreg",
        &["lying.tvreg", &real, "but its metadata says"],
    );
    // The payload is one byte longer than the metadata says.
    let longer = signed.replace("Goodco Networks AB", "Goodco Networks ABC");
    env.file("longer.tvreg", sign(longer));
    refused(&env, "longer.tvreg", &["longer.tvreg", "payload is"]);
}

#[test]
fn an_older_snapshot_is_refused_unless_allowed_and_then_recorded() {
    let env = setup();
    run(&env, &["registry", "import", "reg2.toml", "--db", "pub.db"]).code(0);
    publish(&env, "s2.tvreg", T2);
    pull(&env, "s2.tvreg", &[]).code(0);
    let newest = env.registry_digest(Some("op.db"));
    assert_eq!(newest, env.registry_digest(Some("pub.db")));
    let out = pull(&env, "s1.tvreg", &[]);
    out.error(&[
        "s1.tvreg",
        "refusing a rollback",
        "revision 1, published 2026-11-01",
        "revision 2, published 2026-11-15",
    ]);
    assert_eq!(env.registry_digest(Some("op.db")), newest);
    assert_eq!(history(&env, "op.db").len(), 1);
    // A snapshot of the same revision re-signed with an earlier time is older too.
    publish(&env, "s2-backdated.tvreg", T1);
    pull(&env, "s2-backdated.tvreg", &[]).error(&["refusing a rollback"]);
    // Allowed: imported, and the history says it was a downgrade.
    let out = pull(&env, "s1.tvreg", &["--allow-downgrade"]);
    out.code(0);
    assert!(out.stdout.contains("downgrade"), "{}", out.stdout);
    let h = history(&env, "op.db");
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["action"], "pull-downgrade");
    let summary = h[1]["summary"].as_str().unwrap();
    assert!(
        summary.contains("revision=1") && summary.contains("downgrade-from-revision=2"),
        "{summary}"
    );
    assert_ne!(env.registry_digest(Some("op.db")), newest);
    // After the downgrade, the newer snapshot is newer again.
    pull(&env, "s2.tvreg", &[]).code(0);
}

/// Serves one HTTP connection on 127.0.0.1: reads the request, then answers `response`
/// (after `stall`, if given). The thread gives up after a few seconds without a connection.
fn serve(response: Vec<u8>, stall: Option<Duration>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Err(_) => return,
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => req.extend_from_slice(&buf[..n]),
            }
        }
        if let Some(d) = stall {
            std::thread::sleep(d);
        }
        let _ = stream.write_all(&response);
        let _ = stream.flush();
    });
    format!("http://127.0.0.1:{port}/registry/s.tvreg")
}

fn ok_response(body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn pull_over_http_from_this_machine() {
    let env = setup();
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    let url = serve(ok_response(&bytes), None);
    let out = pull(&env, &url, &["--timeout", "10"]);
    out.code(0);
    assert_eq!(
        env.registry_digest(Some("op.db")),
        env.registry_digest(Some("pub.db"))
    );
    assert_eq!(history(&env, "op.db")[0]["source_file"], url.as_str());
}

#[test]
fn http_failures_are_refused_and_import_nothing() {
    let env = setup();
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    // A server that never answers: the timeout ends the download, quickly.
    let url = serve(ok_response(&bytes), Some(Duration::from_secs(8)));
    let started = Instant::now();
    pull(&env, &url, &["--timeout", "0.5"]).error(&[&url, "did not finish within 0.5 s"]);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // An oversized body: refused by its announced length, or while reading without one.
    let url = serve(ok_response(&bytes), None);
    pull(&env, &url, &["--max-size", "1000", "--timeout", "10"]).error(&[&url, "larger than"]);
    let mut close_delimited = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    close_delimited.extend_from_slice(&bytes);
    let url = serve(close_delimited, None);
    pull(&env, &url, &["--max-size", "1000", "--timeout", "10"]).error(&[&url, "larger than"]);
    // Cut short: fewer bytes than announced, then the connection closes.
    let mut short = ok_response(&bytes);
    short.truncate(short.len() - 300);
    let url = serve(short, None);
    pull(&env, &url, &["--timeout", "10"]).error(&[&url]);
    // Not found.
    let url = serve(
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        None,
    );
    pull(&env, &url, &["--timeout", "10"]).error(&[&url, "HTTP 404"]);
    // Nobody listening.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/s.tvreg");
    pull(&env, &url, &["--timeout", "10"]).error(&[&url, "cannot download"]);
    // Plain http to another machine is refused before any connection is made.
    pull(&env, "http://example.invalid/s.tvreg", &[])
        .error(&["http://example.invalid/s.tvreg", "only from this machine"]);
    assert!(!env.path("op.db").exists());
}

/// A JSON report without what says where the registry came from.
fn without_provenance(mut v: serde_json::Value) -> serde_json::Value {
    let reg = v["registry"].as_object_mut().unwrap();
    reg.remove("source");
    reg.remove("snapshot");
    v
}

#[test]
fn check_against_a_snapshot_is_check_against_its_database() {
    let env = setup();
    let by_db = run(
        &env,
        &[
            "check", "inv.csv", "--db", "pub.db", "--as-of", AS_OF, "--format", "json",
        ],
    );
    by_db.code(1);
    let snap = [
        "check",
        "inv.csv",
        "--registry-snapshot",
        "s1.tvreg",
        "--trust",
        "reg.pub",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    let by_snap = run(&env, &snap);
    by_snap.code(1);
    let (a, b) = (by_db.json(), by_snap.json());
    assert_eq!(b["registry"]["source"], "s1.tvreg");
    let s = &b["registry"]["snapshot"];
    let bytes = std::fs::read(env.path("s1.tvreg")).unwrap();
    assert_eq!(s["sha256"], signed_digest(&bytes).as_str());
    assert_eq!(s["revision"], 1);
    assert_eq!(s["publisher"], "Test Regulator");
    assert_eq!(s["published_at"], T1);
    assert_eq!(s["signer"], key_id(&env, "reg.pub").as_str());
    assert!(a["registry"].get("snapshot").is_none());
    assert_eq!(a["registry"]["sha256"], b["registry"]["sha256"]);
    assert_eq!(without_provenance(a), without_provenance(b));
    // --max-registry-age counts from the publication (30 days before the run), not from the
    // registry's last change (the same day).
    let mut aged = snap.to_vec();
    aged.extend(["--max-registry-age", "20d"]);
    run(&env, &aged).error(&["s1.tvreg", "published on 2026-11-01 (30 days ago)"]);
    let mut fresh = snap.to_vec();
    fresh.extend(["--max-registry-age", "40d"]);
    run(&env, &fresh).code(1);
    let mut by_db_aged = vec![
        "check", "inv.csv", "--db", "pub.db", "--as-of", AS_OF, "--format", "json",
    ];
    by_db_aged.extend(["--max-registry-age", "20d"]);
    run(&env, &by_db_aged).code(1);
    // The table says where the registry came from too.
    let table = run(
        &env,
        &[
            "check",
            "inv.csv",
            "--registry-snapshot",
            "s1.tvreg",
            "--trust",
            "reg.pub",
            "--as-of",
            AS_OF,
        ],
    );
    table.code(1);
    assert!(
        table.stdout.contains(&format!(
            "registry snapshot: revision 1 published {T1} by Test Regulator, signed with key {}",
            key_id(&env, "reg.pub")
        )),
        "{}",
        table.stdout
    );
    // So does the Markdown report.
    let mut markdown = snap[..snap.len() - 2].to_vec();
    markdown.extend(["--format", "markdown"]);
    let md = run(&env, &markdown);
    md.code(1);
    assert!(
        md.stdout.contains(&format!(
            "registry snapshot: revision 1 published {T1} by Test Regulator, signed with key {}",
            key_id(&env, "reg.pub")
        )),
        "{}",
        md.stdout
    );
    // `report verify` finds the snapshot file the report names, and sees it change.
    let mut to_file = snap.to_vec();
    to_file.extend(["-o", "json=snap-report.json"]);
    run(&env, &to_file).code(1);
    run(&env, &["report", "verify", "snap-report.json"]).code(0);
    publish(&env, "s1.tvreg", T2);
    let out = run(&env, &["report", "verify", "snap-report.json"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("snapshot sha256 is now"),
        "{}",
        out.stdout
    );
    // No key, no snapshot.
    run(
        &env,
        &[
            "check",
            "inv.csv",
            "--registry-snapshot",
            "s1.tvreg",
            "--as-of",
            AS_OF,
        ],
    )
    .error(&["--trust"]);
}

#[test]
fn an_encrypted_key_needs_its_password() {
    let env = setup();
    env.run_env(
        &["registry", "keygen", "-o", "enc"],
        &[("TVCHECK_KEY_PASSWORD", "correct horse")],
    )
    .code(0);
    let key = std::fs::read_to_string(env.path("enc.key")).unwrap();
    assert!(key.starts_with("untrusted comment: "), "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path("enc.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "secret key mode {mode:o}");
    }
    let args = [
        "registry",
        "publish",
        "--db",
        "pub.db",
        "--key",
        "enc.key",
        "--publisher",
        "R",
        "--published-at",
        T1,
        "-o",
        "e.tvreg",
    ];
    run(&env, &args).error(&["enc.key", "encrypted", "TVCHECK_KEY_PASSWORD"]);
    env.run_env(&args, &[("TVCHECK_KEY_PASSWORD", "wrong")])
        .error(&["enc.key", "cannot read the secret key"]);
    assert!(!env.path("e.tvreg").exists());
    env.run_env(&args, &[("TVCHECK_KEY_PASSWORD", "correct horse")])
        .code(0);
    run(
        &env,
        &[
            "registry",
            "verify",
            "--snapshot",
            "e.tvreg",
            "--trust",
            "enc.pub",
        ],
    )
    .code(0);
    // Keys are never overwritten; without a password or --unencrypted nothing is made.
    run(&env, &["registry", "keygen", "-o", "reg", "--unencrypted"]).error(&["reg.key", "exists"]);
    run(&env, &["registry", "keygen", "-o", "new"]).error(&["password"]);
    assert!(!env.path("new.key").exists());
}

#[test]
fn shipped_snapshot_holds_the_embedded_registry() {
    let env = Env::new();
    let snap = repo().join("data/registry/snapshot/tvcheck-embedded.tvreg");
    let out = run(
        &env,
        &["registry", "verify", "--snapshot", snap.to_str().unwrap()],
    );
    assert!(
        out.code == 0
            && out
                .stdout
                .contains("matches this tvcheck's embedded registry"),
        "the shipped snapshot data/registry/snapshot/tvcheck-embedded.tvreg does not verify or is \
         stale (data/registry changed since it was published): regenerate it with \
         `TVCHECK_SIGNING_KEY=/path/to/tvcheck-registry.key scripts/publish-embedded-snapshot.sh` \
         and commit it.\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    // It is the project's key that signed it, and `pull` takes it with the shipped key.
    let key = repo().join("data/registry/snapshot/tvcheck-registry.pub");
    run(
        &env,
        &[
            "registry",
            "pull",
            snap.to_str().unwrap(),
            "--db",
            "embedded.db",
            "--trust",
            key.to_str().unwrap(),
        ],
    )
    .code(0);
    assert_eq!(
        env.registry_digest(Some("embedded.db")),
        env.registry_digest(None)
    );
}
