package dev.herald.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Stack traces with credentials removed from their messages ({@link Redaction}): an exception may
 * quote the request URI it failed on. logback.xml maps {@code %ex} to it.
 */
public final class RedactedThrowable extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.redact(super.convert(event));
    }
}
