package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.config.SettingsLoader;
import dev.herald.metrics.HeraldMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The once-a-second sweep of a {@link LoopShard}, driven by hand: the shard's ticker is a number the
 * test moves, the wall clock an instant it passes, and the connection lives on an
 * {@link EmbeddedChannel}, so every cut-off is checked at its exact edge without waiting for it.
 * ({@code LivenessTest} checks the same rules end to end on a real server.)
 */
class LoopShardTest {
    private static final Duration IDLE = Duration.ofSeconds(90);
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    private static final Duration BIND_GRACE = Duration.ofSeconds(30);
    private static final Duration SKEW = Duration.ofSeconds(4);
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final Instant WALL = Instant.parse("2025-06-15T10:00:00Z");
    private static final Settings SETTINGS = SettingsLoader.load(Optional.empty(), Map.of(), Map.of(
            "auth.jwt-secret", "loop-shard-test-secret-of-32-bytes!",
            "auth.allow-bind", "true",
            "auth.bind-grace", BIND_GRACE.toSeconds() + "s",
            "auth.clock-skew", SKEW.toSeconds() + "s",
            "gateway.idle-timeout", IDLE.toSeconds() + "s",
            "gateway.heartbeat-interval", HEARTBEAT.toSeconds() + "s",
            "gateway.backlog-drain-timeout", DRAIN.toSeconds() + "s"));

    private final AtomicLong ticker = new AtomicLong(5_000_000_000L);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final LocalConnections connections =
            new LocalConnections(channel.eventLoop(), SETTINGS, new HeraldMetrics(), ticker::get);
    private final LoopShard shard = connections.shards().get(0);

    @AfterEach
    void stop() {
        channel.finishAndReleaseAll();
    }

    private static Principal user(long id, Instant expiresAt) {
        return new Principal(Principal.Kind.USER, id, List.of(), expiresAt);
    }

    /** Opens a connection on the shard and starts it (its {@code init} is written and dropped here). */
    private Connection open(Principal principal) {
        Connection c = connections.open(channel, principal, Framing.WEBSOCKET);
        c.start("{\"type\":\"init\"}".getBytes(StandardCharsets.UTF_8));
        ReferenceCountUtil.release(channel.readOutbound());
        return c;
    }

    private void advance(Duration d) {
        ticker.addAndGet(d.toNanos());
    }

    /** The next frame the connection wrote, or null. */
    private Object written() {
        return channel.readOutbound();
    }

    @Test
    void silentConnection_isClosedOnceIdleLongerThanTheTimeout_notAtIt() {
        Connection c = open(user(1, Instant.MAX));
        advance(IDLE);
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();

        advance(Duration.ofNanos(1));
        shard.sweep(WALL);
        assertThat(c.closeReason()).isEqualTo("idle timeout");
        assertCloseFrame(1001, "idle timeout");
    }

    @Test
    void aFrameFromTheClient_restartsTheIdleTimeout() {
        Connection c = open(user(2, Instant.MAX));
        advance(IDLE.minusSeconds(1));
        c.seen(ticker.get());
        advance(IDLE);
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();
    }

    @Test
    void pings_goOutEveryHeartbeatInterval() {
        open(user(3, Instant.MAX));
        advance(HEARTBEAT.minusNanos(1));
        shard.sweep(WALL);
        assertThat(written()).as("no ping before the interval").isNull();

        advance(Duration.ofNanos(1));
        shard.sweep(WALL);
        Object ping = written();
        assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
        ReferenceCountUtil.release(ping);

        advance(HEARTBEAT.minusSeconds(1));
        shard.sweep(WALL);
        assertThat(written()).as("the interval counts from the last ping").isNull();
        advance(Duration.ofSeconds(1));
        shard.sweep(WALL);
        ping = written();
        assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
        ReferenceCountUtil.release(ping);
    }

    @Test
    void unboundConnection_isClosedAfterTheBindGrace() {
        Connection c = open(null);
        advance(BIND_GRACE);
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();

        advance(Duration.ofNanos(1));
        shard.sweep(WALL);
        assertThat(c.closeReason()).isEqualTo("bind timeout");
        assertCloseFrame(1008, "bind timeout");
    }

    @Test
    void pacedWriterWaitingLongerThanTheDrainTimeout_dropsTheConnectionAtOnce() {
        Connection c = open(user(4, Instant.MAX));
        Connection.Paced paced = () -> {};
        assertThat(c.beginPaced(paced)).isTrue();
        c.pacedWaiting(true);
        advance(DRAIN);
        c.seen(ticker.get()); // the client keeps sending, so it is not idle
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();

        advance(Duration.ofNanos(1));
        shard.sweep(WALL);
        assertThat(c.closeReason()).isEqualTo("backlog not drained");
        assertCloseFrame(1008, "backlog not drained");
        assertThat(channel.isOpen()).as("closed without waiting for the client's close frame").isFalse();
    }

    @Test
    void pacedWriterThatGoesOn_isNotCutOff() {
        Connection c = open(user(5, Instant.MAX));
        Connection.Paced paced = () -> {};
        assertThat(c.beginPaced(paced)).isTrue();
        c.pacedWaiting(true);
        advance(DRAIN);
        c.pacedWaiting(false);
        advance(DRAIN);
        c.seen(ticker.get());
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();
    }

    @Test
    void tokenExpiredWithinTheClockSkew_isKept_thenClosedWith4002OnceTheSkewRunsOut() {
        Connection c = open(user(6, WALL.minusSeconds(1)));
        shard.sweep(WALL);
        shard.sweep(WALL.plus(SKEW).minusSeconds(1));
        assertThat(c.closeReason()).as("not kicked while within the skew TokenVerifier allows").isNull();
        assertThat(written()).isNull();

        shard.sweep(WALL.plus(SKEW).minusSeconds(1).plusMillis(1));
        assertThat(c.closeReason()).isEqualTo("token expired");
        ByteBuf error = (ByteBuf) written();
        try {
            assertThat(error.toString(StandardCharsets.UTF_8)).contains("\"token_expired\"");
        } finally {
            error.release();
        }
        assertCloseFrame(4002, "token expired");
    }

    @Test
    void refreshedToken_replacesTheExpiredOne() {
        Connection c = open(user(10, WALL.minus(SKEW).minusSeconds(10)));
        c.refreshed(user(10, WALL.plusSeconds(3600)));
        shard.sweep(WALL);
        assertThat(c.closeReason()).isNull();
        assertThat(written()).isNull();
    }

    @Test
    void removal_keepsTheOtherConnectionsInPlace() {
        Connection a = open(user(7, Instant.MAX));
        Connection b = open(user(8, Instant.MAX));
        Connection c = open(user(9, Instant.MAX));
        assertThat(connections.count()).isEqualTo(3);

        assertThat(connections.remove(a)).isTrue();
        assertThat(connections.remove(a)).as("removed once").isFalse();
        assertThat(a.registered()).isFalse();
        assertThat(b.registered()).isTrue();
        assertThat(c.registered()).isTrue();
        assertThat(connections.count()).isEqualTo(2);

        advance(IDLE.plusNanos(1));
        shard.sweep(WALL);
        assertThat(a.closeReason()).as("a removed connection is not swept").isNull();
        assertThat(b.closeReason()).isEqualTo("idle timeout");
        assertThat(c.closeReason()).isEqualTo("idle timeout");
    }

    /** The next frame but pings is a close frame with {@code code} and {@code reason}. */
    private void assertCloseFrame(int code, String reason) {
        Object frame = written();
        while (frame instanceof PingWebSocketFrame ping) {
            ping.release();
            frame = written();
        }
        try {
            assertThat(frame).isInstanceOf(CloseWebSocketFrame.class);
            CloseWebSocketFrame close = (CloseWebSocketFrame) frame;
            assertThat(close.statusCode()).isEqualTo(code);
            assertThat(close.reasonText()).isEqualTo(reason);
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }
}
