package dev.herald.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email of one escalation (docs/inbox.md): subject the title; a plain-text body (the content,
 * then each link as {@code label: url}) and an HTML body (the title, the content, each link a
 * button), every string from the notification HTML-escaped. The links are the actions' URLs and
 * {@code action_data} when it is an http(s) URL. A relative action URL ({@code /orders/42}) is
 * resolved against {@code server.public-url} as the inbox page's browser would; without it such a
 * link is left out (Herald logs that once at start), never sent relative.
 */
public final class EscalationMail {
    private static final Logger log = LoggerFactory.getLogger(EscalationMail.class);

    /** One link of the mail: its label (the URL itself when it has none), its absolute URL, whether secondary. */
    record Link(String label, String url, boolean secondary) {}

    private final Optional<URI> linkBase;

    /** {@code linkBase}: {@code server.public-url}, or empty when unset. */
    public EscalationMail(Optional<URI> linkBase) {
        this.linkBase = linkBase;
    }

    /**
     * The mails of a node whose {@code server.public-url} is {@code publicUrl} (validated at load as
     * an http(s) URL; empty: unset, which is logged once here, at start).
     */
    public static EscalationMail forPublicUrl(String publicUrl) {
        if (publicUrl.isEmpty()) {
            log.warn("server.public-url is not set: relative action URLs (/...) are left out of escalation emails;"
                    + " set it to the URL the inbox is opened at (e.g. https://app.example.com) to have them resolved");
            return new EscalationMail(Optional.empty());
        }
        return new EscalationMail(Optional.of(URI.create(publicUrl)));
    }

    /** The plain-text body: the content, then a blank line and one {@code label: url} line per link. */
    public String text(Escalation e) {
        StringBuilder b = new StringBuilder(e.content());
        StringBuilder links = new StringBuilder();
        for (Link l : links(e)) {
            links.append(l.label().equals(l.url()) ? "" : l.label() + ": ").append(l.url()).append('\n');
        }
        if (!links.isEmpty()) {
            b.append(b.isEmpty() ? "" : "\n\n").append(links);
        }
        return b.toString();
    }

    /** The HTML body: the title as heading, the content (its line breaks kept), the links as buttons. */
    public String html(Escalation e) {
        StringBuilder b = new StringBuilder(1024)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(e.title()))
                .append("</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;color:#1f2937\">\n")
                .append("<h1 style=\"font-size:20px;margin:0 0 12px\">").append(escape(e.title())).append("</h1>\n");
        if (!e.content().isEmpty()) {
            b.append("<p style=\"font-size:15px;line-height:1.5;margin:0 0 16px\">")
                    .append(escape(e.content()).replace("\r\n", "\n").replace("\n", "<br>\n")).append("</p>\n");
        }
        List<Link> links = links(e);
        if (!links.isEmpty()) {
            b.append("<p style=\"margin:0\">");
            for (Link l : links) {
                b.append("<a href=\"").append(escape(l.url())).append("\" style=\"display:inline-block;margin:0 8px 8px 0;")
                        .append("padding:10px 18px;border-radius:4px;text-decoration:none;font-size:15px;")
                        .append(l.secondary() ? "background:#ffffff;color:#1d4ed8;border:1px solid #1d4ed8"
                                : "background:#1d4ed8;color:#ffffff;border:1px solid #1d4ed8")
                        .append("\">").append(escape(l.label())).append("</a>");
            }
            b.append("</p>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    /** The mail's links in order: the actions that carry a URL that is (or resolves to) http(s), then action_data. */
    List<Link> links(Escalation e) {
        List<Link> out = new ArrayList<>();
        if (e.actions() != null && e.actions().isArray()) {
            for (JsonNode a : e.actions()) {
                JsonNode url = a.get("url");
                if (url == null || !url.isTextual() || url.asText().isEmpty()) {
                    continue;
                }
                Optional<String> absolute = absolute(url.asText());
                if (absolute.isEmpty()) {
                    continue;
                }
                JsonNode label = a.get("label");
                JsonNode style = a.get("style");
                out.add(new Link(label != null && label.isTextual() && !label.asText().isEmpty() ? label.asText() : absolute.get(),
                        absolute.get(), style != null && "secondary".equals(style.asText())));
            }
        }
        if (e.actionData() != null && e.actionData().matches("(?i)https?://\\S+")) {
            out.add(new Link(e.actionData(), e.actionData(), false));
        }
        return out;
    }

    /**
     * {@code url} as an absolute http(s) URL: itself when it is one; when it is a path ({@code /…},
     * not {@code //…}) the link base's scheme and host followed by the path, which is how a browser
     * resolves it on the inbox page; empty when it cannot be (a path without a base, anything else).
     */
    private Optional<String> absolute(String url) {
        if (url.startsWith("/")) {
            if (linkBase.isEmpty() || url.startsWith("//")) {
                return Optional.empty();
            }
            URI base = linkBase.get();
            return Optional.of(base.getScheme() + "://" + base.getRawAuthority() + url);
        }
        try {
            return httpOrHttps(new URI(url)) ? Optional.of(url) : Optional.empty();
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }

    private static boolean httpOrHttps(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    }

    /** {@code s} safe as HTML text and as a double- or single-quoted attribute value. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
