//! Signed registry snapshots (`.tvreg` files): the container, signing one (publishing) and
//! verifying one against trusted keys, with minisign keys and signatures (Ed25519).
//!
//! A snapshot is a text file in three parts, the first two signed:
//!
//! ```text
//! tvcheck-registry-snapshot 1\n            header line (the format and its version)
//! {"registry_revision":7,...}\n           metadata: one line of compact JSON ([`Metadata`])
//! [[list]] ... [[vendor]] ...              payload: the lossless TOML export, `payload_bytes` long
//! untrusted comment: ...\n                 a minisign signature file (four lines) over
//! RUQ...\n                                 everything above it (the signed part)
//! trusted comment: ...\n
//! ...\n
//! ```
//!
//! The signature is found from the end (the last line that starts `untrusted comment: `), so
//! the signed part can be cut out with standard tools and checked with the minisign program
//! itself. The snapshot's digest ([`Verified::digest`]) is the SHA-256 of the signed part:
//! minisign signatures carry random bytes, so the digest of the whole file would change each
//! time the same content is signed; the signed part does not (given the publication time).
//! Verification checks, in this order: the size, the signature's key against the trusted keys,
//! the signature, the header, the metadata, the payload's length and SHA-256, the payload as a
//! registry import file (parsed and validated like `registry import`), and the content digest
//! of the registry it makes against the metadata. Anything amiss is an error; nothing is
//! returned half-checked.

use std::io::Cursor;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::import::{self, ImportFile};
use super::model::RegistryData;
use super::Registry;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::source::digest::sha256_hex;

/// The first line of every snapshot.
pub const HEADER: &str = "tvcheck-registry-snapshot 1";

/// The largest snapshot read or downloaded.
pub const SIZE_LIMIT: u64 = 64 << 20;

/// The public key of the project's own registry snapshot
/// (`data/registry/snapshot/tvcheck-registry.pub`), trusted by `registry verify --snapshot`
/// when no `--trust` is given.
pub(crate) const PROJECT_PUBLIC_KEY: &str =
    include_str!("../../data/registry/snapshot/tvcheck-registry.pub");

const SIGNATURE_START: &[u8] = b"untrusted comment: ";

/// What a snapshot says about the registry it holds. All of it is signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The registry's revision when it was published.
    pub registry_revision: u64,
    /// When the registry last changed (RFC 3339), if known.
    pub last_change: Option<String>,
    /// SHA-256 of the registry's canonical content (what `registry status` shows).
    pub registry_sha256: String,
    /// The registry schema version of the publishing tvcheck.
    pub schema_version: u32,
    /// Who published it.
    pub publisher: String,
    /// When it was published (RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub published_at: String,
    /// The payload's length in bytes.
    pub payload_bytes: u64,
    /// The payload's SHA-256.
    pub payload_sha256: String,
    /// The tvcheck version that published it.
    pub tvcheck_version: String,
}

/// Where a registry used by a check came from, when it came from a snapshot: recorded in the
/// report's `registry.snapshot`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// SHA-256 of the snapshot's signed part.
    pub sha256: String,
    /// The registry revision it holds.
    pub revision: u64,
    /// Who published it.
    pub publisher: String,
    /// When (RFC 3339 UTC).
    pub published_at: String,
    /// The minisign key id of the key that signed it (16 hex digits).
    pub signer: String,
}

/// A snapshot whose signature, metadata and content were all verified.
#[derive(Clone, Debug)]
pub struct Verified {
    /// Its metadata.
    pub metadata: Metadata,
    /// SHA-256 of the signed part.
    pub digest: String,
    /// The key id of the trusted key that signed it.
    pub key_id: String,
    /// The payload as an import file (for merging into a database).
    pub file: ImportFile,
    /// The registry content it holds, canonical.
    pub data: RegistryData,
}

impl Verified {
    /// What a report records of it.
    pub fn info(&self) -> SnapshotInfo {
        SnapshotInfo {
            sha256: self.digest.clone(),
            revision: self.metadata.registry_revision,
            publisher: self.metadata.publisher.clone(),
            published_at: self.metadata.published_at.clone(),
            signer: self.key_id.clone(),
        }
    }

    /// The registry it holds, for a check: source `source`, verified, with its provenance.
    pub fn into_registry(self, source: String) -> Registry {
        Registry {
            digest: self.metadata.registry_sha256.clone(),
            schema_version: self.metadata.schema_version,
            revision: self.metadata.registry_revision,
            last_change: self.metadata.last_change.clone(),
            snapshot: Some(self.info()),
            data: self.data,
            source,
            verified: true,
        }
    }
}

/// A trusted public key and where it was named.
#[derive(Clone, Debug)]
pub struct TrustedKey {
    /// The key.
    pub key: minisign::PublicKey,
    /// Its id, 16 upper-case hex digits as minisign shows it.
    pub id: String,
    /// The file or text it was read from, as shown in messages.
    pub origin: String,
}

/// A minisign key id (8 bytes, little-endian) as minisign prints it.
pub fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    for (b, k) in bytes.iter_mut().zip(keynum) {
        *b = *k;
    }
    format!("{:016X}", u64::from_le_bytes(bytes))
}

fn key_err(origin: &str, message: impl Into<String>) -> Error {
    Error::at(ErrorKind::Usage, Location::file(origin), message).hint(
        "pass the publisher's public key: a minisign .pub file (two lines) or its key line (RW...)",
    )
}

/// Reads a trusted public key: the text of a minisign public key file (with or without its
/// comment line) or the base64 key line alone.
pub(crate) fn parse_public_key(text: &str, origin: &str) -> Result<TrustedKey> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .ok_or_else(|| key_err(origin, "no public key in it"))?;
    let key = minisign::PublicKey::from_base64(line)
        .map_err(|e| key_err(origin, format!("not a minisign public key: {e}")))?;
    Ok(TrustedKey {
        id: key_id(key.keynum()),
        key,
        origin: origin.to_string(),
    })
}

/// Reads a trusted key named on the command line: a file, or else the key itself.
pub fn read_public_key(arg: &str) -> Result<TrustedKey> {
    let path = Path::new(arg);
    if path.exists() {
        let bytes =
            crate::source::read_regular_file(path, 64 << 10, "public key", ErrorKind::Usage)?;
        let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Usage)?;
        return parse_public_key(text, &crate::error::display_path(path));
    }
    let key_line = arg.len() == 56
        && arg.starts_with("RW")
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if key_line {
        return parse_public_key(arg, &format!("key {arg}"));
    }
    Err(Error::at(
        ErrorKind::Usage,
        Location::file(path),
        "no such public key file",
    )
    .hint("pass a minisign public key file (.pub) or the key line itself (RW...)"))
}

/// The project's own public key.
pub fn project_key() -> Result<TrustedKey> {
    parse_public_key(
        PROJECT_PUBLIC_KEY,
        "data/registry/snapshot/tvcheck-registry.pub",
    )
}

/// A new key pair: (secret key file text, public key file text, key id). The secret key is
/// encrypted with `password` (scrypt, as minisign does) unless it is `None`.
pub fn generate_keypair(password: Option<String>) -> Result<(String, String, String)> {
    let err =
        |e: minisign::PError| Error::new(ErrorKind::Usage, format!("cannot make a key pair: {e}"));
    let kp = match password {
        Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(err)?;
    let id = key_id(kp.pk.keynum());
    let sk = kp
        .sk
        .to_box(Some(&format!("tvcheck registry secret key {id}")))
        .map_err(err)?
        .into_string();
    let pk = format!(
        "untrusted comment: tvcheck registry public key {id}\n{}\n",
        kp.pk.to_base64()
    );
    Ok((sk, pk, id))
}

/// Reads a secret key file's text; an encrypted key needs `password`.
pub fn parse_secret_key(
    text: &str,
    origin: &Path,
    password: Option<String>,
) -> Result<minisign::SecretKey> {
    let loc = Location::file(origin);
    let sk_box = minisign::SecretKeyBox::from_string(text).map_err(|e| {
        Error::at(
            ErrorKind::Usage,
            loc.clone(),
            format!("not a minisign secret key: {e}"),
        )
    })?;
    let read_err = |e: minisign::PError| {
        Error::at(ErrorKind::Usage, loc.clone(), format!("cannot read the secret key: {e}"))
            .hint("check the password (TVCHECK_KEY_PASSWORD or --password-file) and that the file is the .key written by `tvcheck registry keygen` or minisign -G")
    };
    // minisign's own test for an encrypted key: reading it as unencrypted says so.
    match sk_box.clone().into_unencrypted_secret_key() {
        Ok(key) => Ok(key),
        Err(e) if e.to_string().contains("encrypted") => match password {
            Some(p) => sk_box.into_secret_key(Some(p)).map_err(read_err),
            None => Err(Error::at(
                ErrorKind::Usage,
                loc,
                "the secret key is encrypted and no password was given",
            )
            .hint("set TVCHECK_KEY_PASSWORD or pass --password-file FILE")),
        },
        Err(e) => Err(read_err(e)),
    }
}

/// Whether `s` is a UTC time written `YYYY-MM-DDTHH:MM:SSZ` with a real date and time.
pub fn is_utc_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    s.get(..10)
        .is_some_and(|d| d.parse::<crate::date::Date>().is_ok())
        && num(11..13).is_some_and(|h| h < 24)
        && num(14..16).is_some_and(|m| m < 60)
        && num(17..19).is_some_and(|x| x < 60)
}

/// Writes a snapshot of `registry`, signed with `sk` (whose public key `pk` is checked against
/// the signature before anything is returned). The payload is the lossless TOML export; it is
/// read back and must give the registry's digest, so a snapshot that would not verify is never
/// written.
pub fn publish(
    registry: &Registry,
    sk: &minisign::SecretKey,
    pk: &minisign::PublicKey,
    publisher: &str,
    published_at: &str,
) -> Result<Vec<u8>> {
    if !is_utc_timestamp(published_at) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("publication time '{published_at}' is not YYYY-MM-DDTHH:MM:SSZ"),
        ));
    }
    if publisher.trim().is_empty() {
        return Err(
            Error::new(ErrorKind::Usage, "the publisher's name is empty")
                .hint("pass --publisher NAME"),
        );
    }
    let payload = super::export::to_toml(&registry.data);
    let back = import::parse_toml(Path::new("(snapshot payload)"), &payload)?;
    let mut data = import::merge_and_validate(&RegistryData::default(), &[back])?;
    data.canonicalize();
    if data.digest() != registry.digest {
        return Err(Error::new(
            ErrorKind::Registry,
            "internal error: the registry's TOML export does not read back to the same content",
        )
        .hint("report this; the snapshot was not written"));
    }
    let metadata = Metadata {
        registry_revision: registry.revision,
        last_change: registry.last_change.clone(),
        registry_sha256: registry.digest.clone(),
        schema_version: registry.schema_version,
        publisher: publisher.to_string(),
        published_at: published_at.to_string(),
        payload_bytes: payload.len() as u64,
        payload_sha256: sha256_hex(payload.as_bytes()),
        tvcheck_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let meta_line = serde_json::to_string(&metadata)
        .map_err(|e| Error::new(ErrorKind::Output, format!("cannot write the metadata: {e}")))?;
    let mut signed = Vec::with_capacity(payload.len() + meta_line.len() + 64);
    signed.extend_from_slice(HEADER.as_bytes());
    signed.push(b'\n');
    signed.extend_from_slice(meta_line.as_bytes());
    signed.push(b'\n');
    signed.extend_from_slice(payload.as_bytes());
    if !signed.ends_with(b"\n") {
        return Err(Error::new(
            ErrorKind::Registry,
            "internal error: the TOML export does not end with a line break",
        ));
    }
    let trusted = format!(
        "tvcheck registry snapshot: revision {} sha256 {} published {} by {}",
        metadata.registry_revision,
        metadata.registry_sha256,
        metadata.published_at,
        crate::escape::visible(publisher)
    );
    sign_bytes(signed, sk, pk, &trusted)
}

/// Appends a minisign signature of `signed` (made with `sk`, checked with `pk`) whose trusted
/// comment is `comment`. [`publish`] uses it; tests use it to sign what `publish` never writes.
pub fn sign_bytes(
    signed: Vec<u8>,
    sk: &minisign::SecretKey,
    pk: &minisign::PublicKey,
    comment: &str,
) -> Result<Vec<u8>> {
    let id = key_id(pk.keynum());
    let sig = minisign::sign(
        Some(pk),
        sk,
        Cursor::new(&signed),
        Some(comment),
        Some(&format!("signature from tvcheck registry key {id}")),
    )
    .map_err(|e| {
        Error::new(ErrorKind::Usage, format!("cannot sign the snapshot: {e}"))
            .hint("check that the public key (--public-key) belongs to the secret key (--key)")
    })?;
    let mut out = signed;
    out.extend_from_slice(sig.into_string().as_bytes());
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    Ok(out)
}

/// Where the signature starts: the last line that begins `untrusted comment: `.
fn signature_start(bytes: &[u8]) -> Option<usize> {
    let mut at = None;
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&bytes[i..], SIGNATURE_START) {
        let pos = i + p;
        if pos > 0 && bytes[pos - 1] == b'\n' {
            at = Some(pos);
        }
        i = pos + 1;
    }
    at
}

/// The snapshot digest (SHA-256 of the signed part) of a snapshot's bytes, without verifying
/// anything: for comparing a file with the digest a report recorded.
pub fn signed_digest(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(HEADER.as_bytes()) {
        return None;
    }
    signature_start(bytes).map(|at| sha256_hex(&bytes[..at]))
}

/// Verifies a snapshot's bytes against the trusted keys. `source` names it in messages.
pub fn verify(bytes: &[u8], source: &str, trusted: &[TrustedKey]) -> Result<Verified> {
    let loc = Location::file(source);
    let refuse = |message: String, hint: &str| {
        Err(Error::at(ErrorKind::Registry, loc.clone(), message).hint(hint.to_string()))
    };
    const NOTHING: &str = "nothing was imported or used; get the snapshot again from its publisher, and check that it is the file they published";
    if bytes.len() as u64 > SIZE_LIMIT {
        return refuse(
            format!(
                "the snapshot is larger than {}",
                crate::source::size_text(SIZE_LIMIT)
            ),
            NOTHING,
        );
    }
    if trusted.is_empty() {
        return Err(Error::new(
            ErrorKind::Usage,
            "no trusted key: a snapshot is only used once its signature is verified",
        )
        .hint("pass --trust PUBKEY (the publisher's minisign public key file)"));
    }
    if !bytes.starts_with(HEADER.as_bytes()) || bytes.get(HEADER.len()) != Some(&b'\n') {
        return refuse(
            format!("not a tvcheck registry snapshot (its first line is not '{HEADER}')"),
            NOTHING,
        );
    }
    let Some(start) = signature_start(bytes) else {
        return refuse(
            "the snapshot has no signature (it is cut short or not a snapshot)".to_string(),
            NOTHING,
        );
    };
    let (signed, sig_bytes) = bytes.split_at(start);
    let sig = std::str::from_utf8(sig_bytes)
        .ok()
        .and_then(|t| minisign::SignatureBox::from_string(t).ok());
    let Some(sig) = sig else {
        return refuse(
            "the snapshot's signature cannot be read (it is damaged or cut short)".to_string(),
            NOTHING,
        );
    };
    let signer = key_id(sig.keynum());
    let Some(key) = trusted.iter().find(|k| k.key.keynum() == sig.keynum()) else {
        let known: Vec<&str> = trusted.iter().map(|k| k.id.as_str()).collect();
        return refuse(
            format!(
                "the snapshot is signed by key {signer}, which is not a trusted key (trusted: {})",
                known.join(", ")
            ),
            "pass the publisher's public key with --trust; nothing was imported or used",
        );
    };
    if minisign::verify(&key.key, &sig, Cursor::new(signed), true, false, false).is_err() {
        return refuse(
            format!(
                "the snapshot's signature does not verify with trusted key {} ({}): it was changed after it was signed",
                key.id,
                crate::escape::visible(&key.origin)
            ),
            NOTHING,
        );
    }
    // From here on, every byte was signed by a trusted key: what is wrong now was published
    // wrong, and is refused all the same.
    let rest = &signed[HEADER.len() + 1..];
    let Some(nl) = memchr::memchr(b'\n', rest) else {
        return refuse("the snapshot has no metadata line".to_string(), NOTHING);
    };
    let (meta_line, payload) = (&rest[..nl], &rest[nl + 1..]);
    let metadata: Metadata = match serde_json::from_slice(meta_line) {
        Ok(m) => m,
        Err(e) => return refuse(
            format!("the snapshot's metadata cannot be read: {e}"),
            "it was published by a tvcheck this one cannot read; use the same or a newer tvcheck",
        ),
    };
    if !is_utc_timestamp(&metadata.published_at) {
        return refuse(
            format!(
                "the snapshot's publication time '{}' is not YYYY-MM-DDTHH:MM:SSZ",
                crate::escape::visible(&metadata.published_at)
            ),
            NOTHING,
        );
    }
    if metadata.payload_bytes != payload.len() as u64 {
        return refuse(
            format!(
                "the snapshot's payload is {} bytes, but its metadata says {}",
                payload.len(),
                metadata.payload_bytes
            ),
            NOTHING,
        );
    }
    let payload_sha = sha256_hex(payload);
    if payload_sha != metadata.payload_sha256 {
        return refuse(
            format!(
                "the snapshot's payload has sha256 {payload_sha}, but its metadata says {}",
                crate::escape::visible(&metadata.payload_sha256)
            ),
            NOTHING,
        );
    }
    let text = crate::source::decode_utf8(Path::new(source), payload, ErrorKind::Registry)?;
    let file = import::parse_toml(Path::new(source), text)?;
    let mut data =
        import::merge_and_validate(&RegistryData::default(), std::slice::from_ref(&file))?;
    data.canonicalize();
    let digest = data.digest();
    if digest != metadata.registry_sha256 {
        return refuse(
            format!(
                "the registry in the snapshot has content sha256 {digest}, but its metadata says {}",
                crate::escape::visible(&metadata.registry_sha256)
            ),
            NOTHING,
        );
    }
    if data.vendors.is_empty() {
        return refuse("the snapshot's registry is empty".to_string(), NOTHING);
    }
    Ok(Verified {
        metadata,
        digest: sha256_hex(signed),
        key_id: key.id.clone(),
        file,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (minisign::SecretKey, minisign::PublicKey) {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        (kp.sk, kp.pk)
    }

    fn trusted(pk: &minisign::PublicKey) -> TrustedKey {
        parse_public_key(&pk.to_box().unwrap().into_string(), "test.pub").unwrap()
    }

    #[test]
    fn publish_then_verify_gives_the_registry_back() {
        let reg = Registry::embedded().unwrap();
        let (sk, pk) = keys();
        let bytes = publish(&reg, &sk, &pk, "Test Regulator", "2026-11-01T00:00:00Z").unwrap();
        let v = verify(&bytes, "s.tvreg", &[trusted(&pk)]).unwrap();
        assert_eq!(v.data, reg.data);
        assert_eq!(v.metadata.registry_sha256, reg.digest);
        assert_eq!(v.metadata.publisher, "Test Regulator");
        // The signed part is the same for the same content and time; the signature is not.
        let again = publish(&reg, &sk, &pk, "Test Regulator", "2026-11-01T00:00:00Z").unwrap();
        let v2 = verify(&again, "s.tvreg", &[trusted(&pk)]).unwrap();
        assert_eq!(v.digest, v2.digest);
        // Another key is refused, naming the signer.
        let (_, other) = keys();
        let e = verify(&bytes, "s.tvreg", &[trusted(&other)]).unwrap_err();
        assert!(e.to_string().contains("not a trusted key"), "{e}");
        // A byte changed anywhere in the signed part is refused.
        for at in [5, 40, bytes.len() / 2] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            assert!(
                verify(&bad, "s.tvreg", &[trusted(&pk)]).is_err(),
                "byte {at}"
            );
        }
    }

    #[test]
    fn timestamps_are_checked() {
        assert!(is_utc_timestamp("2026-11-01T23:59:59Z"));
        assert!(!is_utc_timestamp("2026-11-01T24:00:00Z"));
        assert!(!is_utc_timestamp("2026-02-30T00:00:00Z"));
        assert!(!is_utc_timestamp("2026-11-01 00:00:00Z"));
    }

    #[test]
    fn key_ids_are_minisigns() {
        assert_eq!(key_id(&[1, 0, 0, 0, 0, 0, 0, 0xAB]), "AB00000000000001");
    }
}
