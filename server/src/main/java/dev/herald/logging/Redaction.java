package dev.herald.logging;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Removes credentials from text before it is logged: the value of a {@code token=} (also
 * {@code access_token=}, {@code id_token=}) parameter, as in {@code /ws?token=…}, and what follows
 * {@code Bearer }. Herald's own code does not log URIs or credentials; this is the net under
 * everything else (exception messages that quote a URI, library warnings), applied by the log
 * layout to every message and stack trace (see {@code logback.xml}).
 */
public final class Redaction {
    static final String REDACTED = "[redacted]";
    private static final Pattern TOKEN_PARAM =
            Pattern.compile("(?i)(?<![A-Za-z0-9_])((?:access_|id_)?token)(=|%3D)[^&\\s\"'#<>;,)\\]}]*");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=\\-]{8,}");

    private Redaction() {}

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.contains("token") && !lower.contains("bearer")) {
            return text;
        }
        String out = TOKEN_PARAM.matcher(text).replaceAll("$1$2" + REDACTED);
        return BEARER.matcher(out).replaceAll("$1" + REDACTED);
    }
}
