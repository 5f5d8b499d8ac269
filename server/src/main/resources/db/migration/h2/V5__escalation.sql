-- E-mail escalation (SPEC §8): escalate_at is when an unread notification becomes due for one
-- email (NULL: never), escalated_at when the escalation job claimed it (set once; the mail is
-- sent after that commit, see docs/inbox.md), escalation the outcome: 'sent', 'failed' or
-- 'skipped' (no email address). Existing rows get NULLs: they never escalate.
ALTER TABLE system_notifications ADD COLUMN escalate_at TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE system_notifications ADD COLUMN escalated_at TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE system_notifications ADD COLUMN escalation CHARACTER VARYING(10);

-- the escalation job: due rows, earliest first
CREATE INDEX sn_escalate ON system_notifications (escalate_at, id);
