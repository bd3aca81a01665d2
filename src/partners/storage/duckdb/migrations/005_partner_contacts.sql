-- 005: partners' contact e-mail addresses (organisational addresses, never personal data about victims or
-- offenders) and the record of reminders sent to partners (services.worklist.record_reminders).

ALTER TABLE partners ADD COLUMN contact_email VARCHAR;
ALTER TABLE partners ADD COLUMN contact_email_2 VARCHAR;

CREATE SEQUENCE reminder_ids START 1;
CREATE TABLE partner_reminders (
    id                INTEGER PRIMARY KEY DEFAULT nextval('reminder_ids'),
    partner_id        INTEGER NOT NULL,
    reminded_at       TIMESTAMP NOT NULL,
    reminded_by       VARCHAR NOT NULL,
    channel           VARCHAR NOT NULL CHECK (channel IN ('eml', 'csv', 'mailto')),
    commitment_count  INTEGER NOT NULL CHECK (commitment_count >= 0)
);
