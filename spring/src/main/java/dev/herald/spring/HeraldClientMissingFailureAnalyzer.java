package dev.herald.spring;

import dev.herald.client.HeraldClient;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * When an application needs a {@link HeraldClient} and there is none because {@code herald.base-url}
 * is not set, says so in the "APPLICATION FAILED TO START" report (Spring Boot's generic report only
 * says that no bean of the type was found).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class HeraldClientMissingFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {
    private final Environment environment;

    HeraldClientMissingFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
        if (cause.getBeanType() != HeraldClient.class || environment == null
                || environment.getProperty("herald.base-url") != null) {
            return null;
        }
        return new FailureAnalysis(
                "A bean of type " + HeraldClient.class.getName() + " is needed but there is none: the Herald starter"
                        + " makes it only when the property herald.base-url is set, and it is not.",
                "Set herald.base-url (where Herald serves, e.g. http://localhost:8080) and herald.api-key (one of"
                        + " the server's auth.api-keys), e.g. in application.properties or as HERALD_BASE_URL and"
                        + " HERALD_API_KEY; or define your own HeraldClient bean.",
                cause);
    }
}
