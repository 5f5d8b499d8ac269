package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.LocalBroker;
import dev.herald.broker.LocalPresence;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Json;
import dev.herald.store.SqlWorkers;
import dev.herald.testing.Concurrently;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry job's limit through the service, on H2, PostgreSQL and MariaDB: however many runs
 * overlap (the job, {@code POST /retry-unsent}, the CLI), every unacked urgent notification of
 * an online user is pushed by them exactly {@code notifications.max-retries} times in all, and a
 * {@code level: normal} one never. Pushes are counted where they leave: at the broker.
 */
@EveryDatabase
class RetryLimitTest {
    private static final int MAX_RETRIES = 3;
    private static final int RUNS = 6;

    private final Map<Long, AtomicInteger> pushes = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private SqlWorkers sql;
    private NotificationStore store;
    private InboxService service;
    private LocalPresence presence;
    private FreshDatabase database;

    @BeforeEach
    void service(FreshDatabase database) {
        this.database = database;
        sql = new SqlWorkers(4, new HeraldMetrics());
        LocalBroker broker = new LocalBroker(10, Duration.ofMinutes(1));
        broker.start(this::published);
        presence = new LocalPresence();
        store = new NotificationStore(database.db());
        service = new InboxService(store, sql, broker, presence, new HeraldMetrics(),
                new Settings.Notifications(Duration.ofMinutes(5), 50, MAX_RETRIES, 30, true, 100, 200));
    }

    @AfterEach
    void close() {
        sql.close();
    }

    private boolean published(Topic topic, Message message) {
        if (message instanceof Message.Push f && f.type().equals("notification")) {
            try {
                JsonNode n = Json.MAPPER.readTree(f.bytes()).get("data");
                pushes.computeIfAbsent(n.get("id").asLong(), id -> new AtomicInteger()).incrementAndGet();
                if (!"urgent".equals(n.get("level").asText())) {
                    unexpected.add(n.toString());
                }
            } catch (IOException e) {
                unexpected.add(e.toString());
            }
        }
        return true;
    }

    /** {@value #RUNS} retry runs started together; completes with how many each pushed (-1: it failed). */
    private List<Integer> overlappingRuns() throws Exception {
        return Concurrently.call(RUNS, Duration.ofSeconds(60),
                i -> service.retryUnsent(50).toCompletableFuture().exceptionally(e -> -1).join());
    }

    @Test
    void overlappingRuns_pushEachUrgentNotificationExactlyMaxRetriesTimes_andNormalOnesNever() throws Exception {
        List<Long> users = List.of(11L, 12L, 13L);
        List<Long> urgent = new ArrayList<>();
        List<Long> normal = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            store.insertForUsers(users, NewNotification.of("urgent " + i, "c", "info", "system"), user -> false)
                    .forEach(n -> urgent.add(n.id()));
            store.insertForUsers(users, NewNotification.of("normal " + i, "c", "info", "system").withLevel("normal"), user -> false)
                    .forEach(n -> normal.add(n.id()));
        }
        users.forEach(presence::userOnline);

        int total = 0;
        // rounds of overlapping runs until a round in which every run succeeded pushes nothing
        for (int round = 0; round < 50; round++) {
            List<Integer> pushed = overlappingRuns();
            total += pushed.stream().mapToInt(p -> Math.max(p, 0)).sum();
            if (pushed.stream().allMatch(p -> p == 0)) {
                break;
            }
        }
        assertThat(unexpected).as("pushes that are not urgent records").isEmpty();
        for (long id : urgent) {
            assertThat(pushes.get(id)).as("pushes of urgent %d", id).hasValue(MAX_RETRIES);
            assertThat(database.count("SELECT retry_count FROM system_notifications WHERE id = " + id)).isEqualTo(MAX_RETRIES);
        }
        for (long id : normal) {
            assertThat(pushes).as("normal %d is never pushed", id).doesNotContainKey(id);
            assertThat(database.count("SELECT retry_count FROM system_notifications WHERE id = " + id)).isZero();
        }
        assertThat(total).as("the runs' own counts").isEqualTo(urgent.size() * MAX_RETRIES);
    }
}
