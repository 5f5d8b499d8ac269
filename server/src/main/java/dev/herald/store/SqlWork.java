package dev.herald.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with one JDBC connection, handed to {@link Database#inTransaction} or
 * {@link Database#withConnection}. It must not close the connection, change its auto-commit
 * mode, commit or roll back: the {@link Database} does that.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
