package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @Test
    void connectionStates_readOnly_andPoolTimeout_areUnavailable() {
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("refused", "08001")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("read-only", "25006")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(Dialect.MARIADB, new SQLException("--read-only", "HY000", 1290)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(Dialect.H2, new SQLException("read only", "90097", 90097)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(Dialect.H2, new SQLTransientConnectionException("pool timeout")))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void unavailableCause_deepInChain_isFound() {
        SQLException top = new SQLException("wrapper", "HY000");
        top.initCause(new SQLException("gone", "08006"));
        assertThat(translate(Dialect.POSTGRESQL, top)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void vendorCodes_onlyCountForTheirVendor() {
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("x", "HY000", 1290)))
                .isNotInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void uniqueViolations_areDuplicateKeys() {
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("dup", "23505")))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(translate(Dialect.MARIADB, new SQLException("dup", "23000", 1062)))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void deadlocksAndSerializationFailures_areConflicts() {
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("deadlock", "40P01")))
                .isInstanceOf(StoreConflictException.class);
        assertThat(translate(Dialect.POSTGRESQL, new SQLException("serialize", "40001")))
                .isInstanceOf(StoreConflictException.class);
        assertThat(translate(Dialect.MARIADB, new SQLException("lock wait", "HY000", 1205)))
                .isInstanceOf(StoreConflictException.class);
    }

    @Test
    void otherErrors_arePlainStoreExceptions_withActionAndFirstLine() {
        StoreException e = translate(Dialect.H2, new SQLException("Syntax error\nSELECT …", "42000"));
        assertThat(e).isExactlyInstanceOf(StoreException.class);
        assertThat(e.getMessage()).startsWith("load failed: Syntax error (SQLSTATE 42000)");
    }

    private static StoreException translate(Dialect dialect, SQLException e) {
        return SqlErrors.translate(dialect, "load", e);
    }
}
