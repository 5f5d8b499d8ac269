package dev.herald.inbox;

import java.time.LocalDate;

/**
 * Which of one user's notifications to list, and which page. Null criteria match everything.
 *
 * <p>{@code keyword} matches a substring of the title or the content, case-insensitively;
 * {@code %}, {@code _} and every other character match only themselves. {@code startDate} and
 * {@code endDate} are inclusive UTC calendar days on {@code created_at}: {@code endDate} covers
 * that whole day. Pages start at 1 and are ordered newest first.
 *
 * @param userId whose notifications, positive
 * @param keyword substring of title or content, or null; blank counts as null
 * @param isRead only read (true) or only unread (false) ones, or null for both
 * @param type exact type, or null
 * @param category exact category, or null
 * @param startDate first UTC day included, or null
 * @param endDate last UTC day included, or null; not before {@code startDate}
 * @param page 1-based page number
 * @param pageSize rows per page, 1 to {@value InboxLimits#PAGE_SIZE_MAX}
 * @param archived only archived (true) or only not archived (false, the default view) ones, or
 *     null for both; snoozed ones are never listed (until the wake job shows them again)
 */
public record NotificationFilter(
        long userId,
        String keyword,
        Boolean isRead,
        String type,
        String category,
        LocalDate startDate,
        LocalDate endDate,
        int page,
        int pageSize,
        Boolean archived) {


    public NotificationFilter {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive: " + userId);
        }
        if (keyword != null && keyword.isBlank()) {
            keyword = null;
        }
        if (startDate != null && endDate != null && startDate.isAfter(endDate)) {
            throw new IllegalArgumentException("startDate " + startDate + " is after endDate " + endDate);
        }
        if (page < 1) {
            throw new IllegalArgumentException("page must be at least 1: " + page);
        }
        if (pageSize < 1 || pageSize > InboxLimits.PAGE_SIZE_MAX) {
            throw new IllegalArgumentException("pageSize must be 1-" + InboxLimits.PAGE_SIZE_MAX + ": " + pageSize);
        }
    }

    /** The default view: not archived. */
    public NotificationFilter(long userId, String keyword, Boolean isRead, String type, String category,
                              LocalDate startDate, LocalDate endDate, int page, int pageSize) {
        this(userId, keyword, isRead, type, category, startDate, endDate, page, pageSize, Boolean.FALSE);
    }

    public NotificationFilter withArchived(Boolean value) {
        return new NotificationFilter(userId, keyword, isRead, type, category, startDate, endDate, page, pageSize, value);
    }

    /** Everything of {@code userId}, first page of {@value InboxLimits#PAGE_SIZE_DEFAULT}. */
    public static NotificationFilter forUser(long userId) {
        return new NotificationFilter(userId, null, null, null, null, null, null, 1, InboxLimits.PAGE_SIZE_DEFAULT);
    }

    public NotificationFilter withKeyword(String value) {
        return new NotificationFilter(userId, value, isRead, type, category, startDate, endDate, page, pageSize, archived);
    }

    public NotificationFilter withRead(Boolean value) {
        return new NotificationFilter(userId, keyword, value, type, category, startDate, endDate, page, pageSize, archived);
    }

    public NotificationFilter withType(String value) {
        return new NotificationFilter(userId, keyword, isRead, value, category, startDate, endDate, page, pageSize, archived);
    }

    public NotificationFilter withCategory(String value) {
        return new NotificationFilter(userId, keyword, isRead, type, value, startDate, endDate, page, pageSize, archived);
    }

    public NotificationFilter withDates(LocalDate start, LocalDate end) {
        return new NotificationFilter(userId, keyword, isRead, type, category, start, end, page, pageSize, archived);
    }

    public NotificationFilter withPage(int number, int size) {
        return new NotificationFilter(userId, keyword, isRead, type, category, startDate, endDate, number, size, archived);
    }

    /** Rows to skip before this page. */
    public long offset() {
        return (long) (page - 1) * pageSize;
    }
}
