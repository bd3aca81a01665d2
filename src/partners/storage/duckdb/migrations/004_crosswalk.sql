-- 004: framework versions and crosswalks.
-- A framework file may say `current: false` (never its family's current version, e.g. a draft).
-- A crosswalk maps one version's items to a later version's: one row per group of items (services.frameworks).

ALTER TABLE frameworks ADD COLUMN current_eligible BOOLEAN NOT NULL DEFAULT true;

CREATE TABLE framework_crosswalk (
    from_framework  VARCHAR NOT NULL,
    to_framework    VARCHAR NOT NULL,
    row_no          INTEGER NOT NULL,
    kind            VARCHAR NOT NULL CHECK (kind IN ('same', 'merged', 'split', 'new', 'retired')),
    from_keys       VARCHAR[] NOT NULL,
    to_keys         VARCHAR[] NOT NULL,
    note            VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (from_framework, to_framework, row_no)
);
