package dev.herald.inbox.sql;

import dev.herald.inbox.NotificationFilter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.Dialect;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ListQueryTest {

    @Test
    void escapeLike_escapesWildcardsAndEscapeCharOnly() {
        assertThat(ListQuery.escapeLike("100%_off!")).isEqualTo("100!%!_off!!");
        assertThat(ListQuery.escapeLike("it's \\ \"x\"")).isEqualTo("it's \\ \"x\"");
    }

    @Test
    void where_dependsOnlyOnWhichCriteriaArePresent_neverOnValues() {
        NotificationFilter evil = NotificationFilter.forUser(1)
                .withKeyword("'; DROP TABLE system_notifications; --")
                .withType("x' OR '1'='1")
                .withCategory("c")
                .withRead(true)
                .withDates(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-01-31"));
        String where = ListQuery.of(evil, Dialect.POSTGRESQL).where();
        assertThat(where).doesNotContain("DROP").doesNotContain("OR '1'");
        assertThat(where).isEqualTo("user_id = ? AND deleted_at IS NULL AND snoozed_until IS NULL AND archived = FALSE"
                + " AND is_read = TRUE AND type = ?"
                + " AND category = ? AND (title ILIKE ? ESCAPE '!' OR content ILIKE ? ESCAPE '!')"
                + " AND created_at >= ? AND created_at < ?");
    }

    @Test
    void where_mariadb_usesCollationBasedLike() {
        String where = ListQuery.of(NotificationFilter.forUser(1).withKeyword("x"), Dialect.MARIADB).where();
        assertThat(where).contains("title LIKE ? ESCAPE '!'");
    }
}
