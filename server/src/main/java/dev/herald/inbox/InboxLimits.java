package dev.herald.inbox;

import java.util.List;

/**
 * The inbox's rules in one place (SPEC §5): its closed vocabularies (notification types,
 * categories, levels) and every size a caller can run into. The HTTP API and the WebSocket
 * handlers validate against these, {@link NewNotification} checks them again, and the SQL reads
 * them; no other class keeps its own copy.
 */
public final class InboxLimits {
    public static final List<String> TYPES = List.of("info", "success", "warning", "error", "task", "system");
    public static final List<String> CATEGORIES = List.of("system", "task", "message", "reminder", "announcement");
    /** {@code urgent}: store and push (default); {@code normal}: store only (seed 001). */
    public static final String URGENT = "urgent";
    public static final String NORMAL = "normal";
    public static final List<String> LEVELS = List.of(URGENT, NORMAL);
    /** A chat kept for an offline user is a {@code message} notification with this {@code action_type}. */
    public static final String CHAT_CATEGORY = "message";
    public static final String CHAT_ACTION = "chat";

    /** Characters of a title (not blank). */
    public static final int TITLE_MAX = 255;
    /** Bytes of UTF-8 of a content; characters of an {@code action_data}. */
    public static final int CONTENT_MAX = 64 * 1024;
    /** Characters of a {@code type} or {@code category} as stored (the lists above are shorter). */
    public static final int CODE_MAX = 50;
    /** Characters of an {@code action_type}. */
    public static final int ACTION_TYPE_MAX = CODE_MAX;
    /** Characters of a {@code level} read before it is checked against {@link #LEVELS}. */
    public static final int LEVEL_MAX = 20;
    /** Characters of an idempotency key (1 to this many): the API refuses longer, the store too. */
    public static final int IDEMPOTENCY_KEY_MAX = 128;
    /** Ids in one batch (read, delete, ack). */
    public static final int IDS_MAX = 1000;
    /** Ids a send answers with (the first this many; {@code count} says how many were stored). */
    public static final int SEND_IDS_SHOWN = 1000;
    /** Characters of a list's {@code keyword}. */
    public static final int KEYWORD_MAX = 100;
    /** List paging: {@code page} 1 to this, {@code page_size} 1 to {@link #PAGE_SIZE_MAX}. */
    public static final int PAGE_MAX = 1_000_000;
    public static final int PAGE_SIZE_DEFAULT = 20;
    public static final int PAGE_SIZE_MAX = 100;
    /** {@code GET …/unread}: {@code limit} default and maximum. */
    public static final int UNREAD_DEFAULT = 10;
    public static final int UNREAD_MAX = 100;
    /** Undelivered notifications in one page of the backlog (the push on connect, a {@code sync}). */
    public static final int SYNC_LIMIT = 500;

    // ---- Inbox 2.0 (SPEC §7)
    /** Preference modes: {@code on} (default), {@code quiet} (stored, never pushed), {@code off} (not stored). */
    public static final String ON = "on";
    public static final String QUIET = "quiet";
    public static final String OFF = "off";
    public static final List<String> MODES = List.of(ON, QUIET, OFF);
    /** Characters of an escalation e-mail address. */
    public static final int EMAIL_MAX = 254;
    /** Characters of a {@code group_key}. */
    public static final int GROUP_KEY_MAX = 128;
    /** {@code group_window} in seconds: default and maximum (minimum 1). */
    public static final int GROUP_WINDOW_DEFAULT = 600;
    public static final int GROUP_WINDOW_MAX = 86_400;
    /** Actions offered by one notification. */
    public static final int ACTIONS_MAX = 3;
    /** Characters of an action {@code id}, {@code label}, {@code url}. */
    public static final int ACTION_ID_MAX = 32;
    public static final int ACTION_LABEL_MAX = 64;
    public static final int ACTION_URL_MAX = 2048;
    public static final List<String> ACTION_STYLES = List.of("primary", "secondary");
    /** Longest snooze, in days, from now. */
    public static final int SNOOZE_MAX_DAYS = 30;
    /** List filter {@code archived}: {@code false} (default), {@code true} or {@code all}. */
    public static final List<String> ARCHIVED_FILTERS = List.of("false", "true", "all");
    /** Snoozed notifications the wake job wakes in one run. */
    public static final int WAKE_BATCH = 1_000;
    /** {@code escalate_after}: seconds a notification may stay unread before one email (SPEC §8). */
    public static final int ESCALATE_AFTER_MIN = 60;
    public static final int ESCALATE_AFTER_MAX = 604_800;
    /** Due escalations one run of the escalation job claims. */
    public static final int ESCALATION_BATCH = 100;

    private InboxLimits() {}
}
