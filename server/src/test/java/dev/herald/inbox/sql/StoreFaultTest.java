package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.TcpForwarder;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The store when its database goes away or stops taking writes: 503-style failures, no partial writes. */
class StoreFaultTest extends StoreTestBase {

    private static final List<Long> THOUSAND = LongStream.rangeClosed(1, 1000).boxed().toList();

    @Test
    void databaseDropsWhileRunning_everyCallFailsFastAsUnavailable() {
        send(1, "before");
        try (TcpForwarder proxy = new TcpForwarder(testDatabase().serverPort());
                Database remote = Database.open(testDatabase().configVia(proxy.port()))) {
            NotificationStore viaProxy = new NotificationStore(remote, clock);
            assertThat(viaProxy.unreadCount(1)).isEqualTo(1);

            proxy.cut();

            long start = System.nanoTime();
            assertThatThrownBy(() -> viaProxy.insertForUsers(THOUSAND, note("lost"), NOBODY_KNOWN))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.unreadCount(1)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> viaProxy.markAllRead(1)).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(1);
        assertThat(store.unreadCount(1)).isEqualTo(1);
    }

    @Test
    void readOnlyDatabase_writesAreUnavailable_readsWork_nothingCommitted() {
        Notification existing = send(1, "existing");
        if (dialect == Dialect.H2) {
            db().close(); // H2 opens a file read-write or read-only, not both
        }
        try (Database readOnlyDb = Database.open(testDatabase().readOnlyConfig())) {
            NotificationStore readOnly = new NotificationStore(readOnlyDb, clock);
            assertThat(readOnly.unreadCount(1)).isEqualTo(1);
            assertThat(readOnly.find(1, existing.id())).contains(existing);

            assertThatThrownBy(() -> readOnly.insertForUsers(THOUSAND, note("refused"), NOBODY_KNOWN))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> readOnly.insertIdempotent("key", THOUSAND, note("refused"), NOBODY_KNOWN))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> readOnly.markAllRead(1)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> readOnly.markRead(1, existing.id())).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> readOnly.touchKnownUsers(List.of(5L))).isInstanceOf(StoreUnavailableException.class);
        } finally {
            if (dialect == Dialect.H2) {
                reopen();
            }
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isZero();
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE is_read = TRUE")).isZero();
    }

    @Test
    void closedDatabase_storeCallsAreUnavailable() {
        Database other = Database.open(testDatabase().config().dialect() == Dialect.H2
                ? testDatabase().configVia(testDatabase().serverPort()) : testDatabase().config());
        NotificationStore closed = new NotificationStore(other, clock);
        other.close();
        assertThatThrownBy(() -> closed.unreadCount(1)).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> closed.insertForUsers(List.of(1L), note("x"), NOBODY_KNOWN))
                .isInstanceOf(StoreUnavailableException.class);
    }
}
