package dev.herald.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrincipalTest {
    private static Principal user(String... channels) {
        return new Principal(Principal.Kind.USER, 1, List.of(channels), Instant.MAX);
    }

    @Test
    void publicChannels_areOpenToEveryone() {
        assertThat(user().mayJoin("news")).isTrue();
        assertThat(user().mayJoin("orders:42")).isTrue();
        assertThat(user().mayJoin("privately")).isTrue();
        assertThat(user().mayJoin("private")).isTrue();
    }

    @Test
    void privateChannel_needsTheExactNameInTheClaim() {
        assertThat(user().mayJoin("private-team")).isFalse();
        assertThat(user("private-team").mayJoin("private-team")).isTrue();
        assertThat(user("private-team").mayJoin("private-team2")).isFalse();
        assertThat(user("private-other").mayJoin("private-team")).isFalse();
    }

    @Test
    void wildcardClaim_grantsItsPrefix() {
        Principal p = user("private-team-*");
        assertThat(p.mayJoin("private-team-1")).isTrue();
        assertThat(p.mayJoin("private-team-")).isTrue();
        assertThat(p.mayJoin("private-teams")).isFalse();
        assertThat(p.mayJoin("private-other")).isFalse();
        assertThat(user("private-*").mayJoin("private-anything")).isTrue();
        assertThat(user("*").mayJoin("private-anything")).isTrue();
    }

    @Test
    void adminsAndBackend_joinAnyPrivateChannel() {
        assertThat(new Principal(Principal.Kind.ADMIN, 1, List.of(), Instant.MAX).mayJoin("private-x")).isTrue();
        assertThat(Principal.BACKEND.mayJoin("private-x")).isTrue();
    }

    @Test
    void starInTheMiddleOfAClaim_isLiteral() {
        assertThat(user("private-*-x").mayJoin("private-a-x")).isFalse();
    }
}
