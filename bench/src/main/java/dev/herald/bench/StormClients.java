package dev.herald.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The reconnect storm's side of one load-generator process ({@code bench storm}): its
 * {@link WsLoad} connections keep the ids of the inbox notifications each connection receives,
 * and once {@link #arm armed} every connection that drops reconnects as herald.js does: it waits
 * {@link Backoff#delayMs} (attempt 0 after a drop, one more with each failed dial, back to 0 when
 * a connection is up) and dials again, no limit on how many dial at once (browsers do not
 * coordinate). The connection's {@code init} marks the client back; the {@code unread_count}
 * that ends the server's backlog push on connect marks it synced, and then it must hold every
 * notification id it held when armed (a stored, unacknowledged notification is pushed again on
 * every connect), else it counts as lost. A notification id a connection receives twice is a
 * duplicate.
 *
 * <p>Where a client dials ({@code ports}, a cluster's nodes in a fixed order): each keeps a place
 * in that list, starting at its worker's node ({@code home}), and every dial moves it one step,
 * forward for even connection indexes and backward for odd ones. So the clients of a node that
 * goes away split evenly over its two neighbours (what a round-robin load balancer in front of
 * the cluster does), and a dial that fails moves on too; with one port every dial goes there.
 *
 * <p>Thread-safety: a client's state is guarded by the client; frames of one connection arrive on
 * its event loop.
 */
final class StormClients {
    /** How a notification frame begins its record: {@code "data":{"id":N} (NotificationJson puts the id first). */
    static final byte[] NOTIFICATION_ID = "\"data\":{\"id\"".getBytes(StandardCharsets.US_ASCII);

    private final WsLoad load;
    private final int[] ports;
    private final int home;
    private final Backoff policy;
    private final long seed;
    private final Map<Integer, Client> clients = new ConcurrentHashMap<>();
    private volatile boolean armed;
    private volatile boolean stopping;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder dials = new LongAdder();
    private final Map<String, LongAdder> dialFailures = new ConcurrentHashMap<>();

    StormClients(WsLoad load, int[] ports, int home, Backoff policy, long seed) {
        if (ports.length == 0 || home < 0 || home >= ports.length) {
            throw new IllegalArgumentException("storm needs ports and a home among them");
        }
        this.load = load;
        this.ports = ports.clone();
        this.home = home;
        this.policy = policy;
        this.seed = seed;
    }

    /** One client (a connection index) across its connections. */
    static final class Client {
        final int index;
        final SplittableRandom random;
        /** +1 or -1: the direction it walks the node list. */
        final int step;
        int slot;
        WsLoad.Conn current;
        long[] expected = new long[0];
        int attempt;
        /** The last link was closed with 1012 (the server restarting): herald.js caps the delays lower. */
        boolean restarting;
        /** Dials since the last drop. */
        int dials;
        int drops;
        long droppedAt;
        long backAt;
        long syncedAt;
        boolean lost;
        int duplicates;

        Client(int index, int home, long seed) {
            this.index = index;
            this.random = new SplittableRandom(seed * 1_000_003L + index);
            this.step = index % 2 == 0 ? 1 : -1;
            this.slot = home;
        }
    }

    /** The next place in a list of {@code size} nodes after {@code slot}, walking {@code step}. */
    static int nextSlot(int slot, int step, int size) {
        return Math.floorMod(slot + step, size);
    }

    /** A frame of an open connection: true when it was the inbox's (notification, unread_count) and is counted here. */
    boolean onInbox(WsLoad.Conn conn, ByteBuf buf) {
        if (FrameScan.hasType(buf, "notification")) {
            long id = FrameScan.longAfter(buf, NOTIFICATION_ID);
            Set<Long> ids = conn.notificationIds;
            if (ids == null) {
                ids = ConcurrentHashMap.newKeySet();
                conn.notificationIds = ids;
            }
            if (!ids.add(id)) {
                duplicates.increment();
                Client c = clients.get(conn.index);
                if (c != null) {
                    synchronized (c) {
                        c.duplicates++;
                    }
                }
            }
            return true;
        }
        if (FrameScan.hasType(buf, "unread_count")) {
            Client c = clients.get(conn.index);
            if (c != null) {
                synchronized (c) {
                    if (c.current == conn && c.backAt != 0 && c.syncedAt == 0) {
                        c.syncedAt = System.nanoTime();
                        Set<Long> ids = conn.notificationIds;
                        for (long id : c.expected) {
                            if (ids == null || !ids.contains(id)) {
                                c.lost = true;
                                break;
                            }
                        }
                    }
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Makes every open connection a client that reconnects when dropped, expecting again the
     * notification ids it holds now. Returns how many clients, how many hold ids, and the ids.
     */
    Map<String, Object> arm() {
        int withIds = 0;
        long ids = 0;
        for (WsLoad.Conn conn : load.connections()) {
            if (!conn.open()) {
                continue;
            }
            Client c = new Client(conn.index, home, seed);
            c.current = conn;
            Set<Long> held = conn.notificationIds;
            if (held != null && !held.isEmpty()) {
                c.expected = held.stream().mapToLong(Long::longValue).toArray();
                withIds++;
                ids += c.expected.length;
            }
            clients.put(conn.index, c);
        }
        armed = true;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clients", clients.size());
        m.put("with_backlog", withIds);
        m.put("backlog_ids", ids);
        return m;
    }

    /** An open connection closed (the server went away, or dropped it): reconnect after the backoff. */
    void dropped(WsLoad.Conn conn) {
        if (!armed || stopping) {
            return;
        }
        Client c = clients.get(conn.index);
        if (c == null) {
            return;
        }
        synchronized (c) {
            if (c.current != conn) {
                return;
            }
            c.current = null;
            c.restarting = conn.closeCode == 1012;
            if (c.droppedAt == 0) {
                c.droppedAt = System.nanoTime();
            }
            c.drops++;
            c.dials = 0;
            c.backAt = 0;
            c.syncedAt = 0;
            c.lost = false;
        }
        retryLater(c);
    }

    private void retryLater(Client c) {
        long delay;
        synchronized (c) {
            delay = (c.restarting ? policy.restarting() : policy).delayMs(c.attempt, c.random.nextDouble());
            c.attempt++;
        }
        try {
            load.group().schedule(() -> redial(c), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void redial(Client c) {
        if (stopping) {
            return;
        }
        int port;
        synchronized (c) {
            c.dials++;
            c.slot = nextSlot(c.slot, c.step, ports.length);
            port = ports[c.slot];
        }
        dials.increment();
        WsLoad.Conn[] conn = new WsLoad.Conn[1];
        // the dial's answer (on the new connection's event loop) waits until conn[0] is set here:
        // on a busy machine init and unread_count can arrive before load.dial returns
        synchronized (c) {
            conn[0] = load.dial(c.index, port, load.uriFor(c.index, port), (success, reason) -> {
                if (success) {
                    synchronized (c) {
                        c.current = conn[0];
                        c.attempt = 0;
                        c.restarting = false;
                        if (c.backAt == 0) {
                            c.backAt = System.nanoTime();
                        }
                    }
                } else if (!stopping) {
                    dialFailures.computeIfAbsent(String.valueOf(reason).replaceAll("/?127\\.[0-9.]+:[0-9]+", "<node>"),
                            k -> new LongAdder()).increment();
                    retryLater(c);
                }
            });
        }
    }

    /** No more reconnecting (the scenario closes its connections). */
    void stop() {
        stopping = true;
    }

    /**
     * Counts: clients, dropped, back (dropped and up again), synced, lost, duplicates, dials and
     * their failures by reason, dials per client that came back; with {@code detail} the drop,
     * back and synced times (nanoTime, 0 = not yet) of every dropped client.
     */
    Map<String, Object> stats(boolean detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        int holding = 0;
        for (WsLoad.Conn conn : load.connections()) {
            Set<Long> ids = conn.notificationIds;
            if (conn.open() && ids != null && !ids.isEmpty()) {
                holding++;
            }
        }
        int dropped = 0;
        int back = 0;
        int synced = 0;
        int lost = 0;
        int withDuplicates = 0;
        int maxDrops = 0;
        Map<Integer, Integer> dialsPerClient = new TreeMap<>();
        List<Long> droppedAt = new ArrayList<>();
        List<Long> backAt = new ArrayList<>();
        List<Long> syncedAt = new ArrayList<>();
        for (Client c : clients.values()) {
            synchronized (c) {
                withDuplicates += c.duplicates > 0 ? 1 : 0;
                if (c.droppedAt == 0) {
                    continue;
                }
                dropped++;
                maxDrops = Math.max(maxDrops, c.drops);
                if (c.backAt != 0) {
                    back++;
                    dialsPerClient.merge(c.dials, 1, Integer::sum);
                }
                if (c.syncedAt != 0) {
                    synced++;
                    lost += c.lost ? 1 : 0;
                }
                if (detail) {
                    droppedAt.add(c.droppedAt);
                    backAt.add(c.backAt);
                    syncedAt.add(c.syncedAt);
                }
            }
        }
        m.put("armed", armed);
        m.put("clients", clients.size());
        m.put("holding_ids", holding);
        m.put("dropped", dropped);
        m.put("back", back);
        m.put("synced", synced);
        m.put("lost", lost);
        m.put("duplicates", duplicates.sum());
        m.put("clients_with_duplicates", withDuplicates);
        m.put("max_drops", maxDrops);
        m.put("dials", dials.sum());
        Map<String, Long> failures = new TreeMap<>();
        dialFailures.forEach((k, v) -> failures.put(k, v.sum()));
        m.put("dial_failures", failures);
        Map<String, Integer> perClient = new LinkedHashMap<>();
        dialsPerClient.forEach((k, v) -> perClient.put(Integer.toString(k), v));
        m.put("dials_per_client", perClient);
        if (detail) {
            m.put("dropped_at", droppedAt);
            m.put("back_at", backAt);
            m.put("synced_at", syncedAt);
        }
        return m;
    }
}
