-- 003: review workflow and verification.
-- When the secretariat's verified status differs from the partner's latest self-reported one, the
-- progress update carries the reason (services.records.record_progress requires it).
-- DuckDB alters no table that has an index, so the index is dropped and made again around the change.

DROP INDEX progress_commitment_idx;
ALTER TABLE progress_updates ADD COLUMN reason VARCHAR NOT NULL DEFAULT '';
CREATE INDEX progress_commitment_idx ON progress_updates (commitment_id);
