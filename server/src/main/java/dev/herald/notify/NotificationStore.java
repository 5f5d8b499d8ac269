package dev.herald.notify;

import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.store.DuplicateKeyException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The notification inbox in SQL (thin JDBC over {@link Database}): sending, reading, changing,
 * delivery bookkeeping and retention of {@code system_notifications} rows.
 *
 * <p>Contract for every method:
 * <ul>
 *   <li>Methods taking a {@code userId} touch only that user's rows: another user's id, a
 *       missing id and a soft-deleted id all behave the same (not found, not counted).
 *   <li>Soft-deleted rows are never returned or counted.
 *   <li>Every change sets {@code updated_at} of the rows it changes, and only of those; a row
 *       already in the requested state is not changed and not counted.
 *   <li>Batch methods accept duplicate ids (counted once) and run in one transaction.
 *   <li>Times come from the injected {@link Clock}, truncated to milliseconds.
 *   <li>Failures are unchecked: {@code StoreUnavailableException} when the database is down or
 *       read-only (nothing committed), {@code StoreException} otherwise;
 *       {@link IllegalArgumentException} for arguments outside the documented ranges.
 * </ul>
 * Calls block on JDBC: run them on the SQL executor, never on an event loop. Thread-safe.
 */
public final class NotificationStore {

  /** Most rows {@link #unread}, {@link #undelivered} and {@link #retryCandidates} return at once. */
  public static final int MAX_LIMIT = 10_000;
  /** Longest idempotency key accepted. */
  public static final int MAX_KEY_LENGTH = 255;

  static final int ID_CHUNK = 500;
  static final int PURGE_CHUNK = 5_000;
  private static final String SELECT = "SELECT " + NotificationRows.COLUMNS + " FROM system_notifications";

  private final Database db;
  private final Clock clock;
  private final int insertChunk;
  private final NotificationRows rows;
  private final RecipientInsert recipientInsert;
  private final KnownUsers knownUsers;
  private final IdempotencyKeys keys;

  public NotificationStore(Database db) {
    this(db, Clock.systemUTC());
  }

  public NotificationStore(Database db, Clock clock) {
    this(db, clock, IdTable.MAX_IDS);
  }

  /** {@code insertChunk}: recipients per INSERT statement (tests use small ones). */
  NotificationStore(Database db, Clock clock, int insertChunk) {
    this.db = requireNonNull(db, "db");
    this.clock = requireNonNull(clock, "clock");
    if (insertChunk < 1 || insertChunk > IdTable.MAX_IDS) {
      throw new IllegalArgumentException("insert chunk must be 1-" + IdTable.MAX_IDS);
    }
    this.insertChunk = insertChunk;
    this.rows = new NotificationRows(db.dialect());
    this.recipientInsert = new RecipientInsert(db.dialect());
    this.knownUsers = new KnownUsers(db.dialect());
    this.keys = new IdempotencyKeys(db.dialect());
  }

  // ---------------------------------------------------------------- sending

  /**
   * Stores {@code n} once for each distinct user of {@code userIds} and marks them known, all in
   * ONE transaction: on any failure nothing is stored. Rows are written with one statement per
   * chunk of users (sorted by id), so 100,000 recipients take a few dozen statements.
   *
   * @param userIds positive user ids; duplicates get one notification; empty stores nothing
   * @return the stored records, ordered by id
   */
  public List<Notification> insertForUsers(List<Long> userIds, NewNotification n) {
    requireNonNull(n, "notification");
    long[] users = recipients(userIds);
    if (users.length == 0) {
      return List.of();
    }
    Instant now = now();
    return retryOnceOnDuplicate(() -> db.inTransaction("insert notifications",
        c -> insertRows(c, users, n, now)));
  }

  /**
   * {@link #insertForUsers} under an idempotency key: the first call with a key stores and
   * returns its notifications; every later or concurrent call with the same key stores nothing
   * and returns the first call's notifications (those not deleted since) with
   * {@code replayed = true}, even if its recipients or content differ. Keys are kept until
   * {@link #purgeIdempotencyKeys} removes them (the service keeps them at least 24 h).
   *
   * @param key 1-{@value #MAX_KEY_LENGTH} characters, compared exactly (case-sensitive)
   */
  public IdempotentInsert insertIdempotent(String key, List<Long> userIds, NewNotification n) {
    requireNonNull(key, "key");
    requireNonNull(n, "notification");
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("idempotency key must be 1-" + MAX_KEY_LENGTH + " characters");
    }
    long[] users = recipients(userIds);
    Instant now = now();
    for (int attempt = 1; ; attempt++) {
      try {
        return db.inTransaction("insert notifications (idempotent)", c -> {
          keys.claim(c, key, now);
          List<Notification> created = insertRows(c, users, n, now);
          keys.complete(c, key, created.stream().mapToLong(Notification::id).toArray());
          return new IdempotentInsert(created, false);
        });
      } catch (DuplicateKeyException e) {
        Optional<long[]> first = db.withConnection("read idempotency key", c -> keys.result(c, key));
        if (first.isPresent()) {
          return new IdempotentInsert(findAll(first.get()), true);
        }
        if (attempt > 1) {
          throw e; // the conflict was not on the key, and persists
        }
      }
    }
  }

  private List<Notification> insertRows(Connection c, long[] users, NewNotification n, Instant now)
      throws SQLException {
    List<Notification> created = new ArrayList<>(users.length);
    for (long[] chunk : IdChunks.split(users, insertChunk)) {
      created.addAll(recipientInsert.insert(c, chunk, n, now));
      knownUsers.addMissing(c, chunk, now);
    }
    created.sort(Comparator.comparingLong(Notification::id));
    return created;
  }

  private static long[] recipients(List<Long> userIds) {
    long[] users = IdChunks.distinctSorted(requireNonNull(userIds, "userIds"));
    if (users.length > 0 && users[0] <= 0) {
      throw new IllegalArgumentException("user ids must be positive: " + users[0]);
    }
    return users;
  }

  /**
   * H2 cannot upsert two new known users from two transactions at once without one of them
   * failing on the primary key; the second attempt sees the committed row and passes.
   */
  private <T> T retryOnceOnDuplicate(Supplier<T> work) {
    try {
      return work.get();
    } catch (DuplicateKeyException first) {
      return work.get();
    }
  }

  /** Marks {@code userId} known and seen now (on connect). */
  public void touchKnownUser(long userId) {
    requirePositive(userId, "userId");
    Instant now = now();
    retryOnceOnDuplicate(() -> db.withConnection("touch known user", c -> {
      knownUsers.touch(c, userId, now);
      return null;
    }));
  }

  /** Known user ids above {@code afterUserId}, ascending, at most {@code limit} (keyset paging). */
  public List<Long> knownUserIds(long afterUserId, int limit) {
    requireLimit(limit);
    return db.withConnection("list known users", c -> knownUsers.page(c, afterUserId, limit));
  }

  /** Every known user id, ascending (read page by page; 1,000,000 ids take about 8 MB). */
  public List<Long> knownUserIds() {
    List<Long> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Long> page = knownUserIds(after, MAX_LIMIT);
      all.addAll(page);
      if (page.size() < MAX_LIMIT) {
        return all;
      }
      after = page.get(page.size() - 1);
    }
  }

  public long knownUserCount() {
    return db.withConnection("count known users", knownUsers::count);
  }

  // ---------------------------------------------------------------- reading

  /** One page of {@code filter.userId()}'s notifications, newest first, with the total. */
  public Page<Notification> list(NotificationFilter filter) {
    ListQuery q = ListQuery.of(filter, db.dialect());
    return db.withConnection("list notifications", c -> {
      long total;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM system_notifications WHERE " + q.where())) {
        q.bind(ps);
        total = single(ps);
      }
      if (total <= filter.offset()) {
        return new Page<>(List.of(), total, filter.page(), filter.pageSize());
      }
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE " + q.where()
          + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
        int next = q.bind(ps);
        ps.setInt(next, filter.pageSize());
        ps.setLong(next + 1, filter.offset());
        return new Page<>(rows.query(ps), total, filter.page(), filter.pageSize());
      }
    });
  }

  /** The user's unread notifications, newest first, at most {@code limit}. */
  public List<Notification> unread(long userId, int limit) {
    requireLimit(limit);
    return query("list unread", SELECT + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL"
        + " ORDER BY created_at DESC, id DESC LIMIT ?", userId, limit);
  }

  /** How many of the user's notifications are unread (an index-only count). */
  public long unreadCount(long userId) {
    return db.withConnection("count unread", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM system_notifications"
          + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL")) {
        ps.setLong(1, userId);
        return single(ps);
      }
    });
  }

  /**
   * Unread counts of many users at once (one grouped query per 500 users), for pushing
   * {@code unread_count} after a many-recipient send; users with none are absent from the map.
   */
  public Map<Long, Long> unreadCounts(Collection<Long> userIds) {
    long[] users = IdChunks.distinctSorted(userIds);
    Map<Long, Long> counts = new HashMap<>();
    for (long[] chunk : IdChunks.split(users, 500)) {
      db.withConnection("count unread", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, COUNT(*) FROM system_notifications"
            + " WHERE user_id IN (" + IdChunks.placeholders(chunk.length) + ")"
            + " AND is_read = FALSE AND deleted_at IS NULL GROUP BY user_id")) {
          for (int i = 0; i < chunk.length; i++) {
            ps.setLong(i + 1, chunk[i]);
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              counts.put(rs.getLong(1), rs.getLong(2));
            }
          }
        }
        return null;
      });
    }
    return counts;
  }

  /** The notification {@code id} if it belongs to {@code userId}. */
  public Optional<Notification> find(long userId, long id) {
    return query("find notification", SELECT + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
        id, userId).stream().findFirst();
  }

  /** The notification {@code id} of any user (admin). */
  public Optional<Notification> find(long id) {
    return query("find notification", SELECT + " WHERE id = ? AND deleted_at IS NULL", id)
        .stream().findFirst();
  }

  private List<Notification> findAll(long[] ids) {
    return db.withConnection("find notifications", c -> {
      List<Notification> found = new ArrayList<>(ids.length);
      for (long[] chunk : IdChunks.split(ids, ID_CHUNK)) {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE deleted_at IS NULL AND id IN ("
            + IdChunks.placeholders(chunk.length) + ") ORDER BY id")) {
          for (int i = 0; i < chunk.length; i++) {
            ps.setLong(i + 1, chunk[i]);
          }
          found.addAll(rows.query(ps));
        }
      }
      return found;
    });
  }

  /** Totals of the user's notifications: all, unread, read, per type, per category. */
  public Statistics statistics(long userId) {
    return db.withConnection("notification statistics", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT type, category, is_read, COUNT(*)"
          + " FROM system_notifications WHERE user_id = ? AND deleted_at IS NULL"
          + " GROUP BY type, category, is_read")) {
        ps.setLong(1, userId);
        long unread = 0;
        long read = 0;
        Map<String, Long> byType = new HashMap<>();
        Map<String, Long> byCategory = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long count = rs.getLong(4);
            byType.merge(rs.getString(1), count, Long::sum);
            byCategory.merge(rs.getString(2), count, Long::sum);
            if (rs.getBoolean(3)) {
              read += count;
            } else {
              unread += count;
            }
          }
        }
        return new Statistics(unread + read, unread, read, byType, byCategory);
      }
    });
  }

  // ---------------------------------------------------------------- changing

  /**
   * Marks one notification read.
   *
   * @return true if it exists for this user (now read, whether or not it already was); false
   *     when it is missing, deleted or another user's
   */
  public boolean markRead(long userId, long id) {
    Instant now = now();
    return db.withConnection("mark read", c -> update(c, "is_read = TRUE, read_at = ?, updated_at = ?",
        "is_read = FALSE", userId, new long[] {id}, now) == 1 || exists(c, userId, id));
  }

  /** Marks the user's unread notifications among {@code ids} read; returns how many changed. */
  public int markRead(long userId, Collection<Long> ids) {
    return updateIds("mark read", "is_read = TRUE, read_at = ?, updated_at = ?", "is_read = FALSE", userId, ids);
  }

  /** Marks all the user's unread notifications read in one statement; returns how many. */
  public int markAllRead(long userId) {
    return updateAll("mark all read", "is_read = TRUE, read_at = ?, updated_at = ?", "is_read = FALSE", userId);
  }

  /** Soft-deletes one notification; false when it is missing, already deleted or another user's. */
  public boolean delete(long userId, long id) {
    Instant now = now();
    return db.withConnection("delete notification",
        c -> update(c, "deleted_at = ?, updated_at = ?", null, userId, new long[] {id}, now) == 1);
  }

  /** Soft-deletes the user's notifications among {@code ids}; returns how many. */
  public int delete(long userId, Collection<Long> ids) {
    return updateIds("delete notifications", "deleted_at = ?, updated_at = ?", null, userId, ids);
  }

  /** Soft-deletes all the user's read notifications; returns how many. */
  public int clearRead(long userId) {
    return updateAll("clear read", "deleted_at = ?, updated_at = ?", "is_read = TRUE", userId);
  }

  // ---------------------------------------------------------------- delivery

  /**
   * The user's notifications not yet acknowledged by a client, with id above {@code sinceId},
   * oldest first (id order), at most {@code limit}. Read ones are included: delivery and
   * reading are tracked separately.
   */
  public List<Notification> undelivered(long userId, long sinceId, int limit) {
    requireLimit(limit);
    return query("list undelivered", SELECT + " WHERE user_id = ? AND sent_via_websocket = FALSE"
        + " AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?", userId, sinceId, limit);
  }

  /**
   * Records that a client of {@code userId} acknowledged {@code ids}: sets
   * {@code sent_via_websocket} and {@code sent_at} (the first acknowledgement wins). Ids of other
   * users are ignored. Returns how many rows changed.
   */
  public int markDelivered(long userId, Collection<Long> ids) {
    return updateIds("mark delivered", "sent_via_websocket = TRUE, sent_at = ?, updated_at = ?",
        "sent_via_websocket = FALSE", userId, ids);
  }

  /**
   * Undelivered notifications of all users whose {@code retry_count} is below
   * {@code maxRetries}, oldest first, at most {@code limit}: the retry job's work list.
   */
  public List<Notification> retryCandidates(int limit, int maxRetries) {
    requireLimit(limit);
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
    }
    return query("list retry candidates", SELECT + " WHERE sent_via_websocket = FALSE"
        + " AND deleted_at IS NULL AND retry_count < ? ORDER BY id LIMIT ?", maxRetries, limit);
  }

  /** Adds one to {@code retry_count} of the undelivered ones among {@code ids}; returns how many. */
  public int incrementRetry(Collection<Long> ids) {
    return updateIds("count retry", "retry_count = retry_count + 1, updated_at = ?",
        "sent_via_websocket = FALSE", null, ids);
  }

  // ---------------------------------------------------------------- retention

  /**
   * Removes for good (hard delete) read notifications created before {@code olderThan}, and
   * soft-deleted notifications deleted before {@code olderThan}. Unread, undeleted rows are
   * never removed. Works in chunks of {@value #PURGE_CHUNK} rows, each its own transaction, so
   * a large purge does not hold locks for long; returns how many rows were removed.
   */
  public long purgeRead(Instant olderThan) {
    requireNonNull(olderThan, "olderThan");
    return Retention.purge(db, olderThan, PURGE_CHUNK);
  }

  /** Removes idempotency keys created before {@code olderThan}; returns how many. */
  public int purgeIdempotencyKeys(Instant olderThan) {
    requireNonNull(olderThan, "olderThan");
    return db.withConnection("purge idempotency keys", c -> keys.purge(c, olderThan));
  }

  // ---------------------------------------------------------------- helpers

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private int updateIds(String action, String set, String condition, Long userId, Collection<Long> ids) {
    long[] distinct = IdChunks.distinctSorted(requireNonNull(ids, "ids"));
    if (distinct.length == 0) {
      return 0;
    }
    Instant now = now();
    return db.inTransaction(action, c -> {
      int changed = 0;
      for (long[] chunk : IdChunks.split(distinct, ID_CHUNK)) {
        changed += update(c, set, condition, userId, chunk, now);
      }
      return changed;
    });
  }

  /** UPDATE … SET {@code set} (its ? are all now) for live rows of {@code ids} meeting {@code condition}. */
  private int update(Connection c, String set, String condition, Long userId, long[] ids, Instant now)
      throws SQLException {
    String sql = "UPDATE system_notifications SET " + set + " WHERE deleted_at IS NULL"
        + (condition == null ? "" : " AND " + condition)
        + (userId == null ? "" : " AND user_id = ?")
        + " AND id IN (" + IdChunks.placeholders(ids.length) + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = bindNow(ps, set, now);
      if (userId != null) {
        ps.setLong(p++, userId);
      }
      for (long id : ids) {
        ps.setLong(p++, id);
      }
      return ps.executeUpdate();
    }
  }

  private int updateAll(String action, String set, String condition, long userId) {
    Instant now = now();
    return db.withConnection(action, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET " + set
          + " WHERE user_id = ? AND " + condition + " AND deleted_at IS NULL")) {
        ps.setLong(bindNow(ps, set, now), userId);
        return ps.executeUpdate();
      }
    });
  }

  /** Binds {@code now} to every {@code ?} of a SET clause; returns the next parameter index. */
  private int bindNow(PreparedStatement ps, String set, Instant now) throws SQLException {
    Object ts = db.dialect().timestamp(now);
    int p = 1;
    for (int i = set.indexOf('?'); i >= 0; i = set.indexOf('?', i + 1)) {
      ps.setObject(p++, ts);
    }
    return p;
  }

  private boolean exists(Connection c, long userId, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM system_notifications"
        + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL")) {
      ps.setLong(1, id);
      ps.setLong(2, userId);
      return single(ps) > 0;
    }
  }

  private List<Notification> query(String action, String sql, Object... params) {
    return db.withConnection(action, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        return rows.query(ps);
      }
    });
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ": " + limit);
    }
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
