-- Escalations claimed and not finished (escalation = 'sending'): the herald_escalations_stuck
-- gauge counts those claimed too long ago (docs/operations.md). Partial: only rows in flight.
CREATE INDEX sn_escalation_sending ON system_notifications (escalated_at) WHERE escalation = 'sending';
