-- 010: frozen snapshots of the public dashboard. A snapshot keeps its figures and chart data (JSON), not a
-- query, so that edits made after it was frozen do not change it; it is only ever added, never edited. The
-- slug (from the name) opens it by permalink (overview?snapshot=<slug>). A snapshot frozen from demo data is
-- flagged as demo and goes with the demo data.
CREATE SEQUENCE snapshot_ids START 1;
CREATE TABLE snapshots (
    id              INTEGER PRIMARY KEY DEFAULT nextval('snapshot_ids'),
    slug            VARCHAR NOT NULL UNIQUE,
    name            VARCHAR NOT NULL,
    frozen_by       VARCHAR NOT NULL,
    frozen_at       TIMESTAMP NOT NULL,
    data_as_of      TIMESTAMP NOT NULL,
    view            VARCHAR NOT NULL DEFAULT '',
    figures         JSON NOT NULL,
    is_demo         BOOLEAN NOT NULL DEFAULT false
);
