-- 009: the history of assessment rounds (assessment_rounds_history, as migration 008 made for the other tables
-- the scorecard reads), so that a private scorecard as of a past moment leaves out the rounds that were drafts
-- then, even when they were submitted since. Made and backfilled by history.install, run in this migration's
-- transaction (see database.py): a round stored before now is taken to have had its present status since it
-- was made. Sign-offs need no history: they are only ever added, and read "in force at" a moment.
SELECT 1;
