package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One page of a listing, shaped like the API's {@code {list, total, page, page_size}}.
 *
 * @param list the rows of this page (immutable), at most {@code pageSize}
 * @param total rows matching the filter over all pages
 * @param page 1-based page number
 * @param pageSize requested rows per page
 * @param <T> row type
 */
public record Page<T>(List<T> list, long total, int page, int pageSize) {

    public Page {
        list = List.copyOf(requireNonNull(list, "list"));
        if (total < 0 || page < 1 || pageSize < 1) {
            throw new IllegalArgumentException("bad page: total=" + total + " page=" + page + " size=" + pageSize);
        }
    }
}
