package dev.herald.inbox.sql;

import dev.herald.inbox.NewNotification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** When a send's {@code escalate_after} makes it due (SPEC §8): null when it never escalates. */
final class Escalations {

    private Escalations() {}

    static Instant due(NewNotification n, Instant storedAt) {
        return n.escalateAfterSeconds() == 0
                ? null
                : storedAt.plusSeconds(n.escalateAfterSeconds()).truncatedTo(ChronoUnit.MILLIS);
    }
}
