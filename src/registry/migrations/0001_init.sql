-- Schema version 1: lists, vendors, aliases, model patterns, listings.
CREATE TABLE list (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    authority    TEXT,
    basis        TEXT NOT NULL,
    source       TEXT NOT NULL,
    confidence   TEXT NOT NULL DEFAULT 'confirmed',
    notes        TEXT
);

CREATE TABLE vendor (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    country      TEXT,
    parent       TEXT REFERENCES vendor(id) DEFERRABLE INITIALLY DEFERRED,
    parent_since TEXT,
    parent_until TEXT,
    confidence   TEXT NOT NULL DEFAULT 'confirmed',
    sources      TEXT NOT NULL DEFAULT '[]',
    notes        TEXT
);

CREATE TABLE alias (
    vendor_id TEXT NOT NULL REFERENCES vendor(id),
    alias     TEXT NOT NULL,
    PRIMARY KEY (vendor_id, alias)
);

CREATE TABLE model_pattern (
    vendor_id TEXT NOT NULL REFERENCES vendor(id),
    pattern   TEXT NOT NULL,
    PRIMARY KEY (vendor_id, pattern)
);

CREATE TABLE listing (
    vendor_id  TEXT NOT NULL REFERENCES vendor(id),
    list_id    TEXT NOT NULL,
    basis      TEXT,
    source     TEXT,
    listed_on  TEXT NOT NULL,
    scope      TEXT NOT NULL DEFAULT 'all',
    purposes   TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL DEFAULT 'confirmed',
    notes      TEXT,
    PRIMARY KEY (vendor_id, list_id)
);
