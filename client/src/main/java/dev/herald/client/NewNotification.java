package dev.herald.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A notification to store in users' inboxes (and push to those online), for
 * {@link Notifications#send(NewNotification)}. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * NewNotification n = NewNotification.builder()
 *         .userIds(7, 8)
 *         .title("Export ready").content("Click to download")
 *         .type("success").category("task")
 *         .data(Map.of("task_id", 42))
 *         .action("link", "/exports/42")
 *         .build();
 * }</pre>
 *
 * <p>Recipients must be chosen: {@link Builder#userIds(long...)} or, deliberately,
 * {@link Builder#toEveryone()} (every user Herald knows). Values the server refuses (a {@code type}
 * outside its list, a title over 255 characters…) come back as a {@link HeraldException} with
 * status 422 naming the field; the client does not duplicate the server's rules.
 */
public final class NewNotification {
    private final List<Long> userIds;
    private final String title;
    private final String content;
    private final String type;
    private final String category;
    private final String level;
    private final Object data;
    private final String actionType;
    private final String actionData;
    private final String idempotencyKey;
    private final String groupKey;
    private final Integer groupWindow;
    private final List<NotificationAction> actions;
    private final boolean force;
    private final Integer escalateAfter;

    private NewNotification(Builder b) {
        this.userIds = List.copyOf(b.userIds);
        this.title = b.title;
        this.content = b.content;
        this.type = b.type;
        this.category = b.category;
        this.level = b.level;
        this.data = b.data;
        this.actionType = b.actionType;
        this.actionData = b.actionData;
        this.idempotencyKey = b.idempotencyKey;
        this.groupKey = b.groupKey;
        this.groupWindow = b.groupWindow;
        this.actions = List.copyOf(b.actions);
        this.force = b.force;
        this.escalateAfter = b.escalateAfter;
    }

    /** @return seconds after which a still unread notification is e-mailed once, or null for never */
    public Integer escalateAfter() {
        return escalateAfter;
    }

    /** @return the collapsing key, or null */
    public String groupKey() {
        return groupKey;
    }

    /** @return the collapsing window in seconds, or null for the server's default (600) */
    public Integer groupWindow() {
        return groupWindow;
    }

    /** @return the offered actions (empty for none) */
    public List<NotificationAction> actions() {
        return actions;
    }

    /** @return whether the recipients' preferences are ignored */
    public boolean force() {
        return force;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the recipients; empty means every known user ({@link Builder#toEveryone()}) */
    public List<Long> userIds() {
        return userIds;
    }

    /** @return the title */
    public String title() {
        return title;
    }

    /** @return the text */
    public String content() {
        return content;
    }

    /** @return the type, or null for the server's default ({@code info}) */
    public String type() {
        return type;
    }

    /** @return the category, or null for the server's default ({@code system}) */
    public String category() {
        return category;
    }

    /** @return {@code urgent}, {@code normal}, or null for the server's default ({@code urgent}) */
    public String level() {
        return level;
    }

    /** @return the value sent as {@code data} (written with Jackson; must become a JSON object), or null */
    public Object data() {
        return data;
    }

    /** @return the action type, or null */
    public String actionType() {
        return actionType;
    }

    /** @return the action data, or null */
    public String actionData() {
        return actionData;
    }

    /**
     * @return the idempotency key given to the builder, or null: then {@link Notifications#send}
     *         makes a random one per call (the same for all retries of that call)
     */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** Builds a {@link NewNotification}; not thread-safe. */
    public static final class Builder {
        private final List<Long> userIds = new ArrayList<>();
        private boolean everyone;
        private String title;
        private String content;
        private String type;
        private String category;
        private String level;
        private Object data;
        private String actionType;
        private String actionData;
        private String idempotencyKey;
        private String groupKey;
        private Integer groupWindow;
        private final List<NotificationAction> actions = new ArrayList<>();
        private boolean force;
        private Integer escalateAfter;

        private Builder() {}

        /**
         * E-mail escalation: if the notification is still unread (not archived, snoozed or deleted)
         * this long after it was stored, the server e-mails it once to the recipient's {@code email}
         * preference. The server answers 422 when SMTP is not configured.
         *
         * @param after 60 seconds to 7 days, whole seconds
         * @return this builder
         */
        public Builder escalateAfter(java.time.Duration after) {
            if (after.getNano() != 0 || after.getSeconds() < 60 || after.getSeconds() > 604_800) {
                throw new IllegalArgumentException("escalateAfter must be whole seconds from 60 to 604800: " + after);
            }
            this.escalateAfter = (int) after.getSeconds();
            return this;
        }

        /**
         * Collapsing: a recipient's unread notification with this key, created less than the
         * window ago, is updated in place (same id, {@code group_count} + 1) instead of a new one.
         *
         * @param key 1 to 128 characters
         * @return this builder
         */
        public Builder groupKey(String key) {
            this.groupKey = key;
            return this;
        }

        /**
         * @param seconds how long a group collapses, 1 to 86,400 (default 600)
         * @return this builder
         */
        public Builder groupWindow(int seconds) {
            this.groupWindow = seconds;
            return this;
        }

        /**
         * @param actions up to three actions the notification offers
         * @return this builder
         */
        public Builder actions(NotificationAction... actions) {
            this.actions.clear();
            this.actions.addAll(Arrays.asList(actions));
            return this;
        }

        /**
         * @param force store and push for every recipient regardless of their preferences
         * @return this builder
         */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * @param userIds recipients (added to any given before)
         * @return this builder
         */
        public Builder userIds(long... userIds) {
            Arrays.stream(userIds).forEach(this.userIds::add);
            return this;
        }

        /**
         * @param userIds recipients (added to any given before)
         * @return this builder
         */
        public Builder userIds(Collection<Long> userIds) {
            userIds.forEach(id -> this.userIds.add(Objects.requireNonNull(id, "user id")));
            return this;
        }

        /**
         * Sends to every user Herald knows (anyone who ever connected or was a recipient) — the
         * server's meaning of an empty {@code user_ids}, asked for explicitly here.
         *
         * @return this builder
         */
        public Builder toEveryone() {
            this.everyone = true;
            return this;
        }

        /**
         * @param title 1 to 255 characters (required)
         * @return this builder
         */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /**
         * @param content the text, up to 64 KiB of UTF-8 (required)
         * @return this builder
         */
        public Builder content(String content) {
            this.content = content;
            return this;
        }

        /**
         * @param type {@code info, success, warning, error, task} or {@code system}
         * @return this builder
         */
        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /**
         * @param category {@code system, task, message, reminder} or {@code announcement}
         * @return this builder
         */
        public Builder category(String category) {
            this.category = category;
            return this;
        }

        /**
         * @param level {@code urgent} (store and push) or {@code normal} (store only, never pushed)
         * @return this builder
         */
        public Builder level(String level) {
            this.level = level;
            return this;
        }

        /**
         * @param data any value Jackson writes as a JSON object (a {@code Map}, a record, a bean, a
         *             {@code JsonNode})
         * @return this builder
         */
        public Builder data(Object data) {
            this.data = data;
            return this;
        }

        /**
         * @param actionType e.g. {@code link}
         * @param actionData e.g. the URL the web inbox opens
         * @return this builder
         */
        public Builder action(String actionType, String actionData) {
            this.actionType = actionType;
            this.actionData = actionData;
            return this;
        }

        /**
         * @param key your own idempotency key, 1 to 128 characters: a send repeated with it within
         *            24 h stores nothing and answers the first result with {@code duplicate: true}
         *            (use a key derived from your event to deduplicate across processes). Without
         *            one the client makes one per call
         * @return this builder
         */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /**
         * @return the notification
         * @throws IllegalStateException without title, content, or recipients (neither
         *                               {@code userIds} nor {@code toEveryone()}), or with both
         */
        public NewNotification build() {
            if (title == null || content == null) {
                throw new IllegalStateException("title and content are required");
            }
            if (userIds.isEmpty() == !everyone) {
                throw new IllegalStateException(everyone ? "toEveryone() and userIds(...) exclude each other"
                        : "name the recipients with userIds(...), or send to every known user with toEveryone()");
            }
            return new NewNotification(this);
        }
    }
}
