-- Schema version 3: whether a list binds anyone and whether it reaches the listed entities'
-- affiliates, and affiliate links between entities (distinct from control by a parent).
ALTER TABLE list ADD COLUMN binding INTEGER NOT NULL DEFAULT 1;
ALTER TABLE list ADD COLUMN reaches_affiliates INTEGER NOT NULL DEFAULT 0;

CREATE TABLE affiliate (
    vendor_id    TEXT NOT NULL REFERENCES vendor(id),
    affiliate_id TEXT NOT NULL REFERENCES vendor(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (vendor_id, affiliate_id)
);
