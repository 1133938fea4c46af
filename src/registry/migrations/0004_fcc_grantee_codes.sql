-- Schema version 4: FCC grantee codes of an entry (the first 3 or 5 characters of the FCC IDs
-- it applied for). The import keeps each code on one entry.
CREATE TABLE fcc_grantee_code (
    vendor_id TEXT NOT NULL REFERENCES vendor(id),
    code      TEXT NOT NULL,
    PRIMARY KEY (vendor_id, code)
);
