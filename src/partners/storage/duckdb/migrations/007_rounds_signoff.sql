-- 007: assessment rounds and the scorecard's sign-off.
-- assessment_rounds: a country's round of capability assessments, entered as one grid of 21 rows, saved as a
-- draft, submitted, then verified by the secretariat (capability by capability or whole). A versioned record
-- like every other (soft delete, history). Assessments recorded one at a time belong to no round.
-- scorecard_signoffs: a focal point signs off the country's scorecard as it stands, which publishes it; a
-- sign-off is withdrawn, never edited. signed_assessments: the assessments as they were signed off, copied, so
-- that what the public sees is exactly what was signed off (a later edit needs a new sign-off).
-- A country's published scorecard is its latest sign-off that is not withdrawn.

CREATE SEQUENCE round_ids START 1;
CREATE TABLE assessment_rounds (
    id              INTEGER PRIMARY KEY DEFAULT nextval('round_ids'),
    country_code    VARCHAR NOT NULL,
    assessed_on     DATE NOT NULL,
    status          VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'verified')),
    note            VARCHAR NOT NULL DEFAULT '',
    submitted_by    VARCHAR,
    submitted_at    TIMESTAMP,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at      TIMESTAMP,
    deleted_at      TIMESTAMP
);

ALTER TABLE capability_assessments ADD COLUMN IF NOT EXISTS round_id INTEGER;
ALTER TABLE capability_assessments ADD COLUMN IF NOT EXISTS evidence_url VARCHAR DEFAULT '';

CREATE SEQUENCE signoff_ids START 1;
CREATE TABLE scorecard_signoffs (
    id              INTEGER PRIMARY KEY DEFAULT nextval('signoff_ids'),
    country_code    VARCHAR NOT NULL,
    signed_by       VARCHAR NOT NULL,
    signed_at       TIMESTAMP NOT NULL,
    statement       VARCHAR NOT NULL DEFAULT '',
    withdrawn_by    VARCHAR,
    withdrawn_at    TIMESTAMP,
    withdrawn_reason VARCHAR NOT NULL DEFAULT '',
    is_demo         BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE signed_assessments (
    signoff_id      INTEGER NOT NULL,
    assessment_id   INTEGER NOT NULL,
    assessment_version INTEGER NOT NULL,
    capability_key  VARCHAR NOT NULL,
    assessed_on     DATE NOT NULL,
    phase           INTEGER NOT NULL,
    source          VARCHAR NOT NULL,
    note            VARCHAR NOT NULL DEFAULT '',
    evidence_url    VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (signoff_id, assessment_id)
);

-- The assessments published before sign-off existed: one sign-off per country holding them, so that the public
-- goes on seeing exactly what it saw.
INSERT INTO scorecard_signoffs (country_code, signed_by, signed_at, statement, is_demo)
SELECT country_code, 'before sign-off', max(created_at), 'Published before scorecards were signed off', bool_and(is_demo)
FROM capability_assessments WHERE published AND deleted_at IS NULL
GROUP BY country_code ORDER BY country_code;

INSERT INTO signed_assessments (signoff_id, assessment_id, assessment_version, capability_key, assessed_on, phase,
                                source, note, evidence_url)
SELECT s.id, a.id, a.version, a.capability_key, a.assessed_on, a.phase, a.source, a.note, ''
FROM capability_assessments a JOIN scorecard_signoffs s ON s.country_code = a.country_code
WHERE a.published AND a.deleted_at IS NULL;
