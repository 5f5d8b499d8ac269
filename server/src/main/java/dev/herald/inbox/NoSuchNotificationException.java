package dev.herald.inbox;

/**
 * The notification named by id is not one of the user's: it never existed, was deleted, or
 * belongs to someone else — the three are told apart to nobody (SPEC §5). The HTTP API answers
 * 404 {@code notification not found}.
 */
public final class NoSuchNotificationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NoSuchNotificationException(long id) {
        super("notification " + id + " not found", null, false, false);
    }
}
