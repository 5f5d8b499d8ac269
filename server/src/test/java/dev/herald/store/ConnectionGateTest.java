package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionGate gate = new ConnectionGate(500, now::get);
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean databaseUp = true;

    private Connection open() throws SQLException {
        attempts.incrementAndGet();
        if (!databaseUp) {
            // what the pool throws when connecting failed: its timeout, with the last failure as cause
            throw new SQLTransientConnectionException("connection is not available, request timed out after 3000ms",
                    new ConnectException("Connection refused"));
        }
        return null; // the gate only passes it on
    }

    @Test
    void afterAFailedAttempt_callersAreRefusedWithoutTrying_untilThePauseEnds_thenOneTries() throws Exception {
        gate.open(this::open, "db");
        databaseUp = false;
        assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(attempts).hasValue(2);

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("db");
        }
        assertThat(attempts).as("refused without waiting for the pool").hasValue(2);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(501));
        assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(attempts).as("one attempt after the pause").hasValue(3);
        assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(StoreUnavailableException.class);
        assertThat(attempts).as("and a new pause after it failed").hasValue(3);

        databaseUp = true;
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(501));
        gate.open(this::open, "db");
        gate.open(this::open, "db");
        gate.open(this::open, "db");
        assertThat(attempts).as("open again for everyone once one succeeded").hasValue(6);
    }

    @Test
    void whileOneCallerTriesAfterThePause_theOthersAreRefused() throws Exception {
        databaseUp = false;
        assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(SQLTransientConnectionException.class);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(501));
        CountDownLatch trying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread prober = new Thread(() -> {
            try {
                gate.open(() -> {
                    trying.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }, "db");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        prober.start();
        assertThat(trying.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> gate.open(this::open, "db")).isInstanceOf(StoreUnavailableException.class);
        release.countDown();
        prober.join(10_000);
        databaseUp = true;
        gate.open(this::open, "db");
        assertThat(attempts).as("the refused caller never reached the database").hasValue(2);
    }

    @Test
    void aPoolThatWasOnlyBusy_doesNotCloseTheGate() throws Exception {
        assertThatThrownBy(() -> gate.open(() -> {
            attempts.incrementAndGet();
            throw new SQLTransientConnectionException("connection is not available, request timed out after 3000ms");
        }, "db")).isInstanceOf(SQLTransientConnectionException.class);
        gate.open(this::open, "db");
        assertThat(attempts).as("the next caller tries at once").hasValue(2);
    }
}
