-- Schema version 2: nothing is deleted (retirement and delisting instead), listings keyed by
-- date so an entity can be listed again, and an append-only change log with a full content
-- snapshot per revision.
ALTER TABLE vendor ADD COLUMN retired_on TEXT;
ALTER TABLE vendor ADD COLUMN retired_reason TEXT;

CREATE TABLE listing_v2 (
    vendor_id       TEXT NOT NULL REFERENCES vendor(id),
    list_id         TEXT NOT NULL,
    basis           TEXT,
    source          TEXT,
    listed_on       TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT 'all',
    purposes        TEXT NOT NULL DEFAULT '[]',
    confidence      TEXT NOT NULL DEFAULT 'confirmed',
    notes           TEXT,
    delisted_on     TEXT,
    delisted_reason TEXT,
    PRIMARY KEY (vendor_id, list_id, listed_on)
);
INSERT INTO listing_v2 (vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes)
    SELECT vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes FROM listing;
DROP TABLE listing;
ALTER TABLE listing_v2 RENAME TO listing;

CREATE TABLE revision (
    rev           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    summary       TEXT NOT NULL,
    source_file   TEXT,
    source_sha256 TEXT,
    digest        TEXT NOT NULL,
    content       TEXT NOT NULL
);

CREATE TABLE change (
    rev    INTEGER NOT NULL REFERENCES revision(rev),
    seq    INTEGER NOT NULL,
    entity TEXT NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (rev, seq)
);
CREATE INDEX change_entity ON change(entity);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The change log is append-only, and entries and listings are never deleted.
CREATE TRIGGER revision_append_only_u BEFORE UPDATE ON revision
    BEGIN SELECT RAISE(ABORT, 'the registry change log is append-only'); END;
CREATE TRIGGER revision_append_only_d BEFORE DELETE ON revision
    BEGIN SELECT RAISE(ABORT, 'the registry change log is append-only'); END;
CREATE TRIGGER change_append_only_u BEFORE UPDATE ON change
    BEGIN SELECT RAISE(ABORT, 'the registry change log is append-only'); END;
CREATE TRIGGER change_append_only_d BEFORE DELETE ON change
    BEGIN SELECT RAISE(ABORT, 'the registry change log is append-only'); END;
CREATE TRIGGER vendor_never_deleted BEFORE DELETE ON vendor
    BEGIN SELECT RAISE(ABORT, 'registry entries are retired, never deleted'); END;
CREATE TRIGGER listing_never_deleted BEFORE DELETE ON listing
    BEGIN SELECT RAISE(ABORT, 'listings are delisted, never deleted'); END;
CREATE TRIGGER list_never_deleted BEFORE DELETE ON list
    BEGIN SELECT RAISE(ABORT, 'list definitions are never deleted'); END;
