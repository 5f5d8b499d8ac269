package dev.herald.i18n;

import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The languages Herald writes its own messages in: English (the default) and Simplified Chinese.
 * A request's language comes from its {@code Accept-Language} header ({@link #fromAcceptLanguage}).
 */
public enum Language {
    EN("en"),
    ZH_CN("zh-CN");

    /**
     * The language of a WebSocket or event-stream connection, set by the transport from the upgrade
     * request's {@code Accept-Language} before the gateway takes the channel.
     */
    public static final AttributeKey<Language> CHANNEL_KEY = AttributeKey.valueOf("herald.language");

    private final String tag;

    Language(String tag) {
        this.tag = tag;
    }

    /** The BCP 47 tag, e.g. {@code zh-CN}. */
    public String tag() {
        return tag;
    }

    /**
     * The language an {@code Accept-Language} header asks for: the ranges in order of their q-value
     * (ties keep their order), the first one Herald has; English when none (or no header). {@code zh},
     * {@code zh-CN}, {@code zh-SG} and {@code zh-Hans…} mean Simplified Chinese; {@code zh-TW},
     * {@code zh-HK} and {@code zh-Hant…} do not. A range with q=0 is refused, never chosen.
     */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > 1000) {
            return EN;
        }
        record Range(String tag, double q, int order) {}
        List<Range> ranges = new ArrayList<>();
        String[] parts = header.split(",", 50);
        for (int i = 0; i < parts.length; i++) {
            String[] fields = parts[i].trim().split(";");
            String tag = fields[0].trim().toLowerCase(Locale.ROOT);
            double q = 1.0;
            for (int f = 1; f < fields.length; f++) {
                String param = fields[f].trim();
                if (param.startsWith("q=") || param.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (!tag.isEmpty() && q > 0) {
                ranges.add(new Range(tag, q, i));
            }
        }
        ranges.sort((a, b) -> a.q() != b.q() ? Double.compare(b.q(), a.q()) : Integer.compare(a.order(), b.order()));
        for (Range range : ranges) {
            Language match = match(range.tag());
            if (match != null) {
                return match;
            }
        }
        return EN;
    }

    private static Language match(String tag) {
        if (tag.equals("*") || tag.equals("en") || tag.startsWith("en-")) {
            return EN;
        }
        if (tag.equals("zh") || tag.equals("zh-cn") || tag.equals("zh-sg") || tag.startsWith("zh-hans")
                || tag.startsWith("zh-cn-")) {
            return ZH_CN;
        }
        return null;
    }
}
