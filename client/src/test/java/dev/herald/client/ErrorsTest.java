package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.testing.HeraldProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How Herald's error envelopes become {@link HeraldException}s: status, code, message, field errors. */
class ErrorsTest {
    static HeraldProcess herald;

    static HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    static NewNotification.Builder note(String title, long... users) {
        return NewNotification.builder().userIds(users).title(title).content("content of " + title);
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void aWrongApiKeyIs401() {
        HeraldClient wrong = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey("not-the-key-at-all").build();
        HeraldException e = catchThrowableOfType(HeraldException.class, wrong::onlineCount);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.code()).isEqualTo(401);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.fieldErrors()).isEmpty();
        assertThat(e.isTimeout()).isFalse();
    }

    @Test
    void someoneElsesNotificationIs404ForAUser() {
        long theirs = client.notifications().send(note("private", 161).build()).ids().get(0);
        Inbox mallory = client.asUser(herald.userToken(162));
        for (Runnable call : List.<Runnable>of(() -> mallory.get(theirs), () -> mallory.markRead(theirs), () -> mallory.delete(theirs))) {
            HeraldException e = catchThrowableOfType(HeraldException.class, call::run);
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo(404);
        }
        assertThat(mallory.markRead(List.of(theirs))).isZero();
        assertThat(client.asUser(herald.userToken(161)).get(theirs).read()).isFalse();
    }

    @Test
    void validationErrorsAre422WithEveryFieldNamed() {
        HeraldException e = catchThrowableOfType(HeraldException.class, () -> client.notifications().send(
                note("x".repeat(256), 171).type("bogus").category("nope").level("loud").build()));
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.getMessage()).isEqualTo("validation failed");
        assertThat(e.fieldErrors()).containsOnlyKeys("title", "type", "category", "level");
        assertThat(e.toString()).startsWith("HeraldException(422): validation failed {").contains("title=");

        HeraldException limit = catchThrowableOfType(HeraldException.class, () -> client.asUser(herald.userToken(171)).unread(101));
        assertThat(limit.status()).isEqualTo(422);
        assertThat(limit.fieldErrors()).containsKey("limit");

        HeraldException tooBig = catchThrowableOfType(HeraldException.class,
                () -> client.notifications().forUser(9_007_199_254_740_992L).unreadCount());
        assertThat(tooBig.status()).isEqualTo(422);
        assertThat(tooBig.fieldErrors()).containsEntry("user_id", "must be a positive integer no larger than 9007199254740991");
    }

    @Test
    void userTokensAreCheckedAndKeptOutOfAdminEndpoints() {
        HeraldException expired = catchThrowableOfType(HeraldException.class,
                () -> client.asUser(HeraldProcess.token(181, false, Duration.ofMinutes(-10))).unreadCount());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.fieldErrors()).containsEntry("token", "token_expired");

        HeraldClient asUserKey = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(herald.userToken(181)).build();
        HeraldException forbidden = catchThrowableOfType(HeraldException.class,
                () -> asUserKey.notifications().send(note("nope", 182).build()));
        assertThat(forbidden.status()).isEqualTo(403);

        // an admin token may stand in for the API key
        HeraldClient admin = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(herald.adminToken(1)).build();
        assertThat(admin.notifications().send(note("from an admin", 183).build()).count()).isEqualTo(1);
    }
}
