package dev.herald.inbox;

/**
 * What {@link NotificationStore#chatRecipient} found about the recipient of a chat to an offline
 * user: whether they are in {@code known_users}, and how many unread kept chats they have
 * (counted up to the limit asked for).
 */
public record ChatRecipient(boolean known, long unreadChats) {}
