package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Instants are stored as UTC with millisecond precision, whatever the JVM's time zone. */
class TimestampTest extends StoreTestBase {

    @Test
    void writtenInOneZone_readInAnother_sameInstantToTheMillisecond() {
        TimeZone original = TimeZone.getDefault();
        Notification written;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Shanghai"));
            clock.set(Instant.parse("2025-12-31T23:30:00.987654Z")); // already Jan 1st in Shanghai
            written = send(1, "new year");
            store.markRead(1, written.id());
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            reopen(); // fresh connections, whose sessions start in the new zone
            store = new NotificationStore(db(), clock);
            Notification read = store.find(1, written.id()).orElseThrow();
            assertThat(read.createdAt()).isEqualTo(Instant.parse("2025-12-31T23:30:00.987Z"));
            assertThat(read.readAt()).isEqualTo(Instant.parse("2025-12-31T23:30:00.987Z"));
            LocalDate newYearsEve = LocalDate.parse("2025-12-31");
            assertThat(store.list(NotificationFilter.forUser(1).withDates(newYearsEve, newYearsEve)).total()).isEqualTo(1);
            assertThat(store.list(NotificationFilter.forUser(1).withDates(newYearsEve.plusDays(1), null)).total()).isZero();
        } finally {
            TimeZone.setDefault(original);
            reopen();
        }
    }
}
