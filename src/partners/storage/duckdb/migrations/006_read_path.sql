-- 006: what the read path keeps ready, so that a page neither aggregates every progress update nor
-- recomputes what has not changed.
-- data_changes: one row per committed write transaction (Database.transaction); its largest id is the data
-- version that caches are keyed by. Rows are only ever added, so concurrent writers never conflict on it.
-- commitment_status: each commitment's latest reported and verified status and its completion claim, from
-- its live progress updates; commitment_names: its partners and countries in words. status.py keeps both
-- current in the transaction of every write that changes them.
-- None of them is backed up: a restore rebuilds the derived tables and its own commit moves the version on.

CREATE SEQUENCE change_ids START 1;
CREATE TABLE data_changes (
    id          BIGINT PRIMARY KEY DEFAULT nextval('change_ids'),
    changed_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- No primary key: a refresh deletes and re-inserts a commitment's row in one transaction.
CREATE TABLE commitment_status (
    commitment_id       INTEGER NOT NULL,
    reported_status     VARCHAR NOT NULL,
    last_report         DATE NOT NULL,
    verified_status     VARCHAR,
    last_verified       DATE,
    updates             INTEGER NOT NULL,
    has_evidence        BOOLEAN NOT NULL,
    complete_on         DATE,
    complete_source     VARCHAR,
    complete_evidenced  BOOLEAN NOT NULL
);

CREATE TABLE commitment_names (
    commitment_id  INTEGER NOT NULL,
    partners       VARCHAR,
    countries      VARCHAR
);
