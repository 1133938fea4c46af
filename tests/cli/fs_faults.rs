//! File-system faults: a registry and an output folder on a read-only file system, and a full
//! disk while writing a report or a registry. Each fault is made real with a small tmpfs
//! mount (size-limited, or remounted read-only), because the tests may run as root, which
//! ignores file permissions.
//!
//! Mounting needs root (CAP_SYS_ADMIN). Where the test process cannot mount, these tests say
//! so on stderr and pass without checking anything, unless `TVCHECK_FS_FAULT_TESTS=require`
//! is set: `.ci/run` sets it whenever the machine can mount, so CI never skips them silently.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use crate::support::{repo, Env};

/// A tmpfs mounted on a folder of the test's temporary folder; unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `1m`) on `env/name`, or `None` when this process cannot
    /// mount (and the environment does not require it).
    fn mount(env: &Env, name: &str, size: &str) -> Option<Tmpfs> {
        let dir = env.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755")])
            .arg("tmpfs")
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(Tmpfs { dir });
        }
        let required = std::env::var("TVCHECK_FS_FAULT_TESTS").is_ok_and(|v| v == "require");
        assert!(
            !required,
            "TVCHECK_FS_FAULT_TESTS=require but a tmpfs cannot be mounted on {}",
            dir.display()
        );
        eprintln!("skipped: cannot mount a tmpfs here (needs root); file-system fault not tested");
        None
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Makes the file system read-only.
    fn remount_read_only(&self) {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "remount ro: {out:?}");
    }

    /// Fills the file system to the last byte with a filler file.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.path("filler")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.flush();
        // tmpfs may still take a few bytes that are smaller than a block.
        while f.write_all(&[0u8]).is_ok() {}
    }

    /// Names of the files in the file system, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).output();
    }
}

fn example() -> String {
    repo()
        .join("data/examples/operator-inventory.csv")
        .to_string_lossy()
        .into_owned()
}

/// A TOML export of the embedded registry, to import into a database.
fn embedded_export(env: &Env) -> PathBuf {
    let out = env.run(&["registry", "export", "--format", "toml"]);
    out.code(0);
    env.file("registry.toml", out.stdout)
}

#[test]
fn registry_on_a_read_only_file_system_is_read_but_never_written() {
    let env = Env::new();
    let Some(fs) = Tmpfs::mount(&env, "ro", "2m") else {
        return;
    };
    let src = embedded_export(&env);
    let db = fs.path("registry.db");
    let dbs = db.to_str().unwrap();
    let import = env.run(&["registry", "import", src.to_str().unwrap(), "--db", dbs]);
    import.code(0);
    let before = import
        .stdout
        .rsplit_once("(sha256 ")
        .and_then(|(_, d)| d.split_once(')'))
        .unwrap()
        .0
        .to_string();
    std::fs::write(fs.path("report.json"), "earlier report").unwrap();
    // As on read-only media: the database file alone, without -wal and -shm companions.
    assert_eq!(fs.files(), ["registry.db", "report.json"]);
    fs.remount_read_only();

    // Reading works: a WAL database on read-only media has no -shm file and cannot get one.
    let out = env.run(&[
        "check",
        &example(),
        "--db",
        dbs,
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["registry"]["sha256"], before.as_str());
    assert_eq!(env.registry_digest(Some(dbs)), before);
    let verify = env.run(&["registry", "verify", "--db", dbs]);
    verify.code(0);
    assert!(
        verify.stdout.contains("integrity check: ok"),
        "{}",
        verify.stdout
    );

    // Every write says why it cannot happen and leaves the database as it was.
    let read_only = [
        "registry.db: the registry cannot be changed: it is on a read-only file system",
        "copy the registry to a writable folder",
    ];
    env.run(&["registry", "import", src.to_str().unwrap(), "--db", dbs])
        .error(&read_only);
    env.run(&[
        "registry",
        "retire",
        "huawei",
        "--reason",
        "test",
        "--on",
        "2026-01-01",
        "--db",
        dbs,
    ])
    .error(&read_only);
    assert_eq!(fs.files(), ["registry.db", "report.json"]);

    // A report into the read-only folder fails clearly; the earlier report is untouched.
    let report = fs.path("report.json");
    env.run(&[
        "check",
        &example(),
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ])
    .error(&[
        "report.json: cannot write the report: the file system is read-only",
        "any existing file at that path is unchanged",
    ]);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "earlier report");
}

#[test]
fn full_disk_while_writing_a_report_keeps_the_earlier_report() {
    let env = Env::new();
    let Some(fs) = Tmpfs::mount(&env, "full", "64k") else {
        return;
    };
    let report = fs.path("report.html");
    std::fs::write(&report, "earlier report").unwrap();
    fs.fill();
    env.run(&[
        "check",
        &example(),
        "--as-of",
        "2026-01-01",
        "--format",
        "html",
        "-o",
        report.to_str().unwrap(),
    ])
    .error(&[
        "report.html: cannot write the report: the disk is full",
        "free some disk space or write elsewhere; any existing file at that path is unchanged",
    ]);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "earlier report");
    // No temporary file is left behind.
    assert_eq!(fs.files(), ["filler", "report.html"]);
}

#[test]
fn full_disk_during_a_registry_import_keeps_the_old_content() {
    let env = Env::new();
    let Some(fs) = Tmpfs::mount(&env, "full", "1m") else {
        return;
    };
    let src = embedded_export(&env);
    let db = fs.path("registry.db");
    let dbs = db.to_str().unwrap();
    env.run(&["registry", "import", src.to_str().unwrap(), "--db", dbs])
        .code(0);
    let before = env.registry_digest(Some(dbs));
    fs.fill();

    // A large update cannot fit: the import fails as a whole.
    let mut update = String::new();
    for i in 0..400 {
        update.push_str(&format!(
            "[[vendor]]\nid = \"filler-vendor-{i}\"\nname = \"Filler Vendor Number {i} Incorporated\"\naliases = [\"Filler {i} Alias One\", \"Filler {i} Alias Two\", \"Filler {i} Alias Three\"]\nnotes = \"{}\"\n\n",
            "padding ".repeat(40)
        ));
    }
    let update = env.file("update.toml", update);
    let disk_full = [
        "registry.db: the disk is full",
        "the registry was not changed",
    ];
    env.run(&["registry", "import", update.to_str().unwrap(), "--db", dbs])
        .error(&disk_full);

    // The database is intact, with the old content, and says so.
    assert_eq!(env.registry_digest(Some(dbs)), before);
    let verify = env.run(&["registry", "verify", "--db", dbs]);
    verify.code(0);
    assert!(
        verify.stdout.contains("integrity check: ok"),
        "{}",
        verify.stdout
    );
    let check = env.run(&[
        "check",
        &example(),
        "--db",
        dbs,
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    ]);
    check.code(1);
    assert_eq!(check.json()["registry"]["revision"], 1);

    // Creating a new registry on the full disk fails and leaves no empty or partial file.
    let fresh = fs.path("fresh.db");
    env.run(&[
        "registry",
        "import",
        src.to_str().unwrap(),
        "--db",
        fresh.to_str().unwrap(),
    ])
    .code(2);
    assert!(!fresh.exists());
    assert!(
        fs.files().iter().all(|f| !f.starts_with("fresh.db")),
        "{:?}",
        fs.files()
    );
}
