package dev.herald.inbox;

/** What taking a notification's action did (SPEC §7): the HTTP API answers 200, 404, 404 and 409. */
public enum ActionResult {
    /** Recorded now: {@code action_taken} set, the notification read. */
    TAKEN,
    /** The notification is not the user's (missing, deleted, another user's). */
    NOT_FOUND,
    /** The notification offers no action with that id. */
    NO_SUCH_ACTION,
    /** An action was taken before; nothing changed. */
    ALREADY_TAKEN
}
