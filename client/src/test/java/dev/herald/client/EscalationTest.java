package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.testing.HeraldProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code escalateAfter} through the Java client against the real server jar: the record's
 * {@code escalateAt} with SMTP configured, 422 naming {@code escalate_after} without it. (The mail
 * itself is tested in the server's EscalationEndToEndTest against a real SMTP server.)
 */
class EscalationTest {

    private static NewNotification.Builder note(long user) {
        return NewNotification.builder().userIds(user).title("escalating").content("look");
    }

    @Test
    void withSmtp_theRecordSaysWhenItEscalates() throws Exception {
        // nothing listens on port 9 of loopback: no mail can go out, and none is due within the test
        try (HeraldProcess herald = HeraldProcess.start(Map.of("HERALD_SMTP_HOST", "127.0.0.1", "HERALD_SMTP_PORT", "9",
                "HERALD_SMTP_FROM", "herald@example.com"))) {
            HeraldClient client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
            SendResult sent = client.notifications().send(note(601).escalateAfter(Duration.ofMinutes(5)).build());
            Notification n = client.asUser(herald.userToken(601)).get(sent.ids().get(0));
            assertThat(n.escalateAt()).isEqualTo(n.createdAt().plusSeconds(300));
            assertThat(n.escalatedAt()).isNull();
            SendResult plain = client.notifications().send(note(601).build());
            assertThat(client.asUser(herald.userToken(601)).get(plain.ids().get(0)).escalateAt()).isNull();
        }
    }

    @Test
    void withoutSmtp_422NamingTheField() throws Exception {
        try (HeraldProcess herald = HeraldProcess.start()) {
            HeraldClient client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
            HeraldException e = catchThrowableOfType(HeraldException.class,
                    () -> client.notifications().send(note(602).escalateAfter(Duration.ofHours(1)).build()));
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.fieldErrors()).containsOnlyKeys("escalate_after");
        }
    }

    @Test
    void builder_refusesOutOfRange() {
        assertThatThrownBy(() -> note(1).escalateAfter(Duration.ofSeconds(59))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> note(1).escalateAfter(Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> note(1).escalateAfter(Duration.ofMillis(60_500))).isInstanceOf(IllegalArgumentException.class);
    }
}
