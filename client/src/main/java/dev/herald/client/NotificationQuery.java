package dev.herald.client;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Filters and paging for {@link Inbox#list(NotificationQuery)}; every filter is optional (leave it
 * out rather than pass null). Made with {@link #builder()}; {@link #all()} is the first page of
 * everything. Values the server refuses (a page size over 100, an unknown type…) answer 422 naming
 * the parameter.
 */
public final class NotificationQuery {
    private final Map<String, String> params;

    private NotificationQuery(Map<String, String> params) {
        this.params = Map.copyOf(params);
    }

    /** @return the first page (20) of all notifications */
    public static NotificationQuery all() {
        return new NotificationQuery(Map.of());
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** The query parameters, as sent. */
    Map<String, String> params() {
        return params;
    }

    @Override
    public String toString() {
        return "NotificationQuery" + params;
    }

    /** Builds a {@link NotificationQuery}; not thread-safe. */
    public static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();

        private Builder() {}

        /**
         * @param archived {@code "false"} (the default: not archived), {@code "true"} (only
         *                 archived) or {@code "all"}
         * @return this builder
         */
        public Builder archived(String archived) {
            params.put("archived", Objects.requireNonNull(archived, "archived"));
            return this;
        }

        /**
         * @param keyword text to search in title and content (up to 100 characters)
         * @return this builder
         */
        public Builder keyword(String keyword) {
            params.put("keyword", Objects.requireNonNull(keyword, "keyword"));
            return this;
        }

        /**
         * @param read only read ({@code true}) or unread ({@code false}) notifications
         * @return this builder
         */
        public Builder read(boolean read) {
            params.put("is_read", Boolean.toString(read));
            return this;
        }

        /**
         * @param type only this type
         * @return this builder
         */
        public Builder type(String type) {
            params.put("type", Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * @param category only this category
         * @return this builder
         */
        public Builder category(String category) {
            params.put("category", Objects.requireNonNull(category, "category"));
            return this;
        }

        /**
         * @param day only notifications created on or after this UTC day
         * @return this builder
         */
        public Builder startDate(LocalDate day) {
            params.put("start_date", Objects.requireNonNull(day, "day").toString());
            return this;
        }

        /**
         * @param day only notifications created on or before this UTC day
         * @return this builder
         */
        public Builder endDate(LocalDate day) {
            params.put("end_date", Objects.requireNonNull(day, "day").toString());
            return this;
        }

        /**
         * @param page the page, from 1
         * @return this builder
         */
        public Builder page(int page) {
            params.put("page", Integer.toString(page));
            return this;
        }

        /**
         * @param pageSize notifications per page, 1 to 100 (default 20)
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            params.put("page_size", Integer.toString(pageSize));
            return this;
        }

        /** @return the query */
        public NotificationQuery build() {
            return new NotificationQuery(params);
        }
    }
}
