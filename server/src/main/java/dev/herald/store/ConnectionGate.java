package dev.herald.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Stops every caller from waiting out the pool's connection timeout while the database is
 * unreachable. After a connection attempt fails because the database could not be reached (not
 * because every pooled connection was busy), callers are refused at once for
 * {@code pauseMillis}; then one caller at a time tries again (the others are still refused while
 * it does), and its success opens the gate for everyone. So during an outage a node answers 503 at
 * the rate requests arrive instead of a few per connection timeout, and the SQL workers' queue does
 * not fill with work that would only time out; the first connection after the outage ends lets
 * traffic through again.
 */
final class ConnectionGate {
    /** Opens a connection; the pool's {@code getConnection}. */
    interface Opener {
        Connection open() throws SQLException;
    }

    private final long pauseNanos;
    private final LongSupplier nanoClock;
    private final AtomicBoolean trying = new AtomicBoolean();
    /** When the next attempt may be made after a failure; 0 while connections succeed. */
    private volatile long closedUntil;
    private volatile boolean closed;

    ConnectionGate(long pauseMillis, LongSupplier nanoClock) {
        this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMillis);
        this.nanoClock = nanoClock;
    }

    Connection open(Opener opener, String description) throws SQLException {
        if (!closed) {
            return attempt(opener);
        }
        if (nanoClock.getAsLong() - closedUntil < 0 || !trying.compareAndSet(false, true)) {
            throw new StoreUnavailableException("cannot connect to " + description
                    + ": the last connection attempt failed; refused without waiting until one succeeds");
        }
        try {
            return attempt(opener);
        } finally {
            trying.set(false);
        }
    }

    private Connection attempt(Opener opener) throws SQLException {
        try {
            Connection c = opener.open();
            closed = false;
            return c;
        } catch (SQLException e) {
            if (fromTheDatabase(e)) {
                closedUntil = nanoClock.getAsLong() + pauseNanos;
                closed = true;
            }
            throw e;
        }
    }

    /**
     * Whether a failed attempt says the database is unreachable, not merely that every pooled
     * connection was busy: the pool's timeout carries the last failure to connect as its cause
     * when there was one, and none when it only waited for a busy connection.
     */
    private static boolean fromTheDatabase(SQLException e) {
        return !(e instanceof SQLTransientConnectionException) || e.getCause() != null;
    }
}
