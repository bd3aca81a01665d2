-- 001: reference data, partners, events, commitments, progress, capability assessments, audit log.
-- Soft deletes (deleted_at) and a version counter (optimistic locking) on every record people edit.
-- No FOREIGN KEY constraints: DuckDB runs some updates of a referenced row (UPDATE ... RETURNING, LIST
-- columns) as delete + insert and then refuses them. The service layer checks every reference instead
-- (services.records._check_commitment_refs, services.bulk) inside the same transaction as the write.

CREATE TABLE countries (
    code          VARCHAR PRIMARY KEY CHECK (length(code) = 3),
    name          VARCHAR NOT NULL,
    numeric       VARCHAR NOT NULL,
    alpha2        VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    subregion     VARCHAR NOT NULL,
    global_north  BOOLEAN NOT NULL,
    member        BOOLEAN NOT NULL DEFAULT false,
    member_since  DATE
);

CREATE TABLE frameworks (
    id           VARCHAR PRIMARY KEY,
    family       VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    version      VARCHAR NOT NULL,
    published    DATE,
    source_url   VARCHAR NOT NULL CHECK (source_url <> ''),
    description  VARCHAR NOT NULL DEFAULT '',
    verified     BOOLEAN NOT NULL,
    ordinal      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE framework_items (
    key           VARCHAR PRIMARY KEY,
    framework_id  VARCHAR NOT NULL,
    code          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    summary       VARCHAR NOT NULL DEFAULT '',
    ordinal       INTEGER NOT NULL,
    parent_key    VARCHAR,
    verified      BOOLEAN NOT NULL,
    source        VARCHAR NOT NULL CHECK (source <> ''),
    extra         JSON,
    UNIQUE (framework_id, code)
);

CREATE TABLE maturity_phases (
    phase        INTEGER PRIMARY KEY CHECK (phase BETWEEN 1 AND 4),
    label        VARCHAR NOT NULL,
    description  VARCHAR NOT NULL DEFAULT '',
    verified     BOOLEAN NOT NULL
);

CREATE SEQUENCE partner_ids START 1;
CREATE TABLE partners (
    id                INTEGER PRIMARY KEY DEFAULT nextval('partner_ids'),
    name              VARCHAR NOT NULL CHECK (trim(name) <> ''),
    stakeholder_type  VARCHAR NOT NULL,
    tags              VARCHAR[] NOT NULL DEFAULT [],
    hq_country        VARCHAR,
    member_since      DATE,
    website           VARCHAR,
    is_demo           BOOLEAN NOT NULL DEFAULT false,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at        TIMESTAMP
);

CREATE SEQUENCE event_ids START 1;
CREATE TABLE events (
    id          INTEGER PRIMARY KEY DEFAULT nextval('event_ids'),
    name        VARCHAR NOT NULL CHECK (trim(name) <> ''),
    kind        VARCHAR NOT NULL,
    date        DATE NOT NULL,
    location    VARCHAR NOT NULL DEFAULT '',
    country     VARCHAR,
    is_demo     BOOLEAN NOT NULL DEFAULT false,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

CREATE SEQUENCE commitment_ids START 1;
CREATE TABLE commitments (
    id             INTEGER PRIMARY KEY DEFAULT nextval('commitment_ids'),
    title          VARCHAR NOT NULL CHECK (trim(title) <> ''),
    description    VARCHAR NOT NULL DEFAULT '',
    deliverable    VARCHAR NOT NULL DEFAULT '',
    indicator      VARCHAR NOT NULL DEFAULT '',
    unit           VARCHAR NOT NULL DEFAULT '',
    baseline       DECIMAL(18, 4),
    target_value   DECIMAL(18, 4),
    start_date     DATE,
    deadline       DATE,
    budget         DECIMAL(18, 2) CHECK (budget IS NULL OR budget >= 0),
    currency       VARCHAR,
    event_id       INTEGER,
    is_global      BOOLEAN NOT NULL DEFAULT false,
    visibility     VARCHAR NOT NULL,
    review_state   VARCHAR NOT NULL,
    embargo_until  TIMESTAMP,
    external_ref   VARCHAR UNIQUE,
    smart_level    INTEGER CHECK (smart_level IS NULL OR smart_level BETWEEN 0 AND 5),
    is_demo        BOOLEAN NOT NULL DEFAULT false,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at     TIMESTAMP,
    CHECK (deadline IS NULL OR start_date IS NULL OR deadline >= start_date)
);

CREATE TABLE commitment_partners (
    commitment_id  INTEGER NOT NULL,
    partner_id     INTEGER NOT NULL,
    role           VARCHAR NOT NULL,
    PRIMARY KEY (commitment_id, partner_id)
);

CREATE TABLE commitment_countries (
    commitment_id  INTEGER NOT NULL,
    country_code   VARCHAR NOT NULL,
    PRIMARY KEY (commitment_id, country_code)
);

CREATE TABLE commitment_items (
    commitment_id  INTEGER NOT NULL,
    item_key       VARCHAR NOT NULL,
    PRIMARY KEY (commitment_id, item_key)
);

CREATE SEQUENCE progress_ids START 1;
CREATE TABLE progress_updates (
    id               INTEGER PRIMARY KEY DEFAULT nextval('progress_ids'),
    commitment_id    INTEGER NOT NULL,
    report_date      DATE NOT NULL,
    status           VARCHAR NOT NULL,
    indicator_value  DECIMAL(18, 4),
    narrative        VARCHAR NOT NULL DEFAULT '',
    evidence_links   VARCHAR[] NOT NULL DEFAULT [],
    source           VARCHAR NOT NULL,
    is_demo          BOOLEAN NOT NULL DEFAULT false,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at       TIMESTAMP
);

CREATE SEQUENCE assessment_ids START 1;
CREATE TABLE capability_assessments (
    id              INTEGER PRIMARY KEY DEFAULT nextval('assessment_ids'),
    country_code    VARCHAR NOT NULL,
    capability_key  VARCHAR NOT NULL,
    assessed_on     DATE NOT NULL,
    phase           INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 4),
    source          VARCHAR NOT NULL,
    note            VARCHAR NOT NULL DEFAULT '',
    published       BOOLEAN NOT NULL DEFAULT false,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at      TIMESTAMP
);

CREATE SEQUENCE audit_ids START 1;
CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
    changed_at  TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    actor_role  VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    before      JSON,
    after       JSON
);

CREATE INDEX audit_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX progress_commitment_idx ON progress_updates (commitment_id);
CREATE INDEX assessment_country_idx ON capability_assessments (country_code);

-- Facts about the dataset itself (e.g. that it holds demo data, and when it was generated).
CREATE TABLE dataset_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
