-- The store of published pages (DESIGN.md, Store). Times are Unix milliseconds (UTC).

-- What the sync follows: a study by NCT id, or every study a registry query finds.
CREATE TABLE watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('study', 'query')),
    target TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL
);

-- Every registry record fetched, once per distinct content, deflate-compressed.
CREATE TABLE record_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nct_id TEXT NOT NULL,
    last_update TEXT,
    content_hash TEXT NOT NULL,
    fetched_at BIGINT NOT NULL,
    record BLOB NOT NULL,
    UNIQUE (nct_id, content_hash)
);
CREATE INDEX record_versions_by_study ON record_versions (nct_id, id);

-- Every page made from a record version: draft -> in_review -> published | rejected.
CREATE TABLE page_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nct_id TEXT NOT NULL,
    record_version_id BIGINT NOT NULL REFERENCES record_versions (id),
    wording_version TEXT NOT NULL,
    writer TEXT NOT NULL,
    page TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'published', 'rejected')),
    reason TEXT NOT NULL,
    superseded_by BIGINT,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    reviewer TEXT,
    reviewed_at BIGINT,
    note TEXT
);
CREATE INDEX page_versions_by_study ON page_versions (nct_id, state);

-- Bearer tokens: only a hash of each is kept.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
    hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Who did what, when.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
);

