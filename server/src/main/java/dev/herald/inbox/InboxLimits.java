package dev.herald.inbox;

import java.util.List;

/** The closed vocabularies of the inbox (SPEC §5): notification types, categories and levels. */
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
    public static final int TITLE_MAX = 255;
    public static final int CONTENT_MAX = 64 * 1024;
    public static final int ACTION_TYPE_MAX = 50;
    public static final int IDS_MAX = 1000;

    private InboxLimits() {}
}
