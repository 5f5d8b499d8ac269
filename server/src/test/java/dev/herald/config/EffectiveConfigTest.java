package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code herald config} masks. */
class EffectiveConfigTest {
    @Test
    void secretKeys_areMaskedWhole_andUnsetOnesStayEmpty() {
        assertThat(EffectiveConfig.mask("auth.jwt-secret", "s3cret")).isEqualTo("****");
        assertThat(EffectiveConfig.mask("auth.api-keys", "a,b")).isEqualTo("****");
        assertThat(EffectiveConfig.mask("db.password", "pw")).isEqualTo("****");
        assertThat(EffectiveConfig.mask("db.password", "")).isEmpty();
        assertThat(EffectiveConfig.mask("smtp.password", "mail-pw")).isEqualTo("****");
        assertThat(EffectiveConfig.mask("smtp.trust-store-password", "store-pw")).isEqualTo("****");
    }

    @Test
    void theTrustStorePassword_fromTheEnvironment_isPrintedMasked_withItsOrigin() {
        java.util.List<String> lines = EffectiveConfig.lines(java.util.Optional.empty(),
                java.util.Map.of("HERALD_SMTP_TRUST_STORE_PASSWORD", "store-pw"), java.util.Map.of());
        assertThat(lines).filteredOn(l -> l.startsWith("smtp.trust-store-password "))
                .singleElement().asString().contains("= ****").contains("(env HERALD_SMTP_TRUST_STORE_PASSWORD)");
        assertThat(String.join("\n", lines)).doesNotContain("store-pw");
    }

    @Test
    void passwordsInUrls_areMasked_theRestKept() {
        assertThat(EffectiveConfig.mask("redis.url", "redis://user:pw@host:6379/0")).isEqualTo("redis://user:****@host:6379/0");
        assertThat(EffectiveConfig.mask("redis.url", "rediss://pw@host:6379")).isEqualTo("rediss://****@host:6379");
        assertThat(EffectiveConfig.mask("redis.url", "redis://host:6379")).isEqualTo("redis://host:6379");
        assertThat(EffectiveConfig.mask("redis.urls", "redis://a:6379,redis://pw@b:6379,redis://:pw@c,redis://u:pw@d"))
                .isEqualTo("redis://a:6379,redis://****@b:6379,redis://:****@c,redis://u:****@d");
        assertThat(EffectiveConfig.mask("db.url", "jdbc:mysql://db/herald?user=h&password=pw&ssl=true"))
                .isEqualTo("jdbc:mysql://db/herald?user=h&password=****&ssl=true");
        assertThat(EffectiveConfig.mask("db.url", "jdbc:sqlserver://db;user=h;pwd=pw")).isEqualTo("jdbc:sqlserver://db;user=h;pwd=****");
        assertThat(EffectiveConfig.mask("db.url", "jdbc:postgresql://h@db/herald")).isEqualTo("jdbc:postgresql://h@db/herald");
        assertThat(EffectiveConfig.mask("auth.jwks-url", "https://idp.example.com/jwks.json"))
                .isEqualTo("https://idp.example.com/jwks.json");
    }
}
