package dev.herald.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages Herald writes itself (the {@code message} of an error envelope or {@code error}
 * frame, and the reasons in {@code data.errors}), in every {@link Language}.
 *
 * <p>The catalogue is two resource bundles, {@code i18n/messages_en.properties} and
 * {@code i18n/messages_zh_CN.properties} (UTF-8): one line per message, key = text, where
 * {@code {0}}, {@code {1}} … stand for the parts that vary (a field name, a number). The code keeps
 * writing its messages in English, as today; where an envelope or frame is written, {@link
 * #localize} finds the English template the text matches and fills the same parts into the other
 * language's text. A varying part is itself localized when it is a message of the catalogue
 * (e.g. {@code "{0} on its node; the connection was closed"}); field names and codes never are.
 * A text no template matches stays English. {@code MessagesTest} checks that both bundles have the
 * same keys and placeholders, and that every fixed message in the sources has a template.
 */
public final class Messages {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d)}");
    private static final Messages INSTANCE = new Messages();

    private final Map<Language, Map<String, String>> bundles = new HashMap<>();
    private final Map<String, String> exactKeys = new HashMap<>();
    private final List<Template> templates = new ArrayList<>();

    private record Template(String key, Pattern pattern, int literalChars) {}

    private Messages() {
        for (Language language : Language.values()) {
            bundles.put(language, load(language));
        }
        Map<String, String> english = bundles.get(Language.EN);
        for (Map.Entry<String, String> e : english.entrySet()) {
            String text = e.getValue();
            if (text.contains("{0}")) {
                templates.add(template(e.getKey(), text));
            } else {
                exactKeys.put(text, e.getKey());
            }
        }
        templates.sort(Comparator.comparingInt(Template::literalChars).reversed());
    }

    /** The one catalogue (read once from the classpath). */
    public static Messages get() {
        return INSTANCE;
    }

    /** {@code english} (a message Herald wrote) in {@code language}; unchanged when it has no template. */
    public static String localize(String english, Language language) {
        return INSTANCE.translate(english, language, 0);
    }

    /** The keys of a language's bundle, sorted (for tests). */
    public Map<String, String> bundle(Language language) {
        return Collections.unmodifiableMap(new TreeMap<>(bundles.get(language)));
    }

    /** The key whose English template {@code english} matches, or null. */
    public String keyOf(String english) {
        if (english == null) {
            return null;
        }
        String exact = exactKeys.get(english);
        if (exact != null) {
            return exact;
        }
        for (Template t : templates) {
            if (t.pattern().matcher(english).matches()) {
                return t.key();
            }
        }
        return null;
    }

    /** The varying parts {@code english} fills into its template ({@code {0}}, {@code {1}} …), or null without one. */
    public List<String> partsOf(String english) {
        if (english == null || exactKeys.containsKey(english)) {
            return english == null ? null : List.of();
        }
        for (Template t : templates) {
            Matcher m = t.pattern().matcher(english);
            if (m.matches()) {
                List<String> parts = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    parts.add(m.group(i));
                }
                return parts;
            }
        }
        return null;
    }

    private String translate(String english, Language language, int depth) {
        if (english == null || language == Language.EN || depth > 3) {
            return english;
        }
        Map<String, String> target = bundles.get(language);
        String exact = exactKeys.get(english);
        if (exact != null) {
            return target.getOrDefault(exact, english);
        }
        for (Template t : templates) {
            Matcher m = t.pattern().matcher(english);
            if (!m.matches()) {
                continue;
            }
            String text = target.get(t.key());
            if (text == null) {
                return english;
            }
            StringBuilder out = new StringBuilder(text.length() + 32);
            Matcher slot = PLACEHOLDER.matcher(text);
            int last = 0;
            while (slot.find()) {
                out.append(text, last, slot.start());
                int index = Integer.parseInt(slot.group(1));
                out.append(index < m.groupCount() ? translate(m.group(index + 1), language, depth + 1) : slot.group());
                last = slot.end();
            }
            return out.append(text, last, text.length()).toString();
        }
        return english;
    }


    private static Template template(String key, String english) {
        StringBuilder regex = new StringBuilder();
        Matcher slot = PLACEHOLDER.matcher(english);
        int last = 0;
        int literal = 0;
        List<Integer> order = new ArrayList<>();
        while (slot.find()) {
            regex.append(Pattern.quote(english.substring(last, slot.start())));
            literal += slot.start() - last;
            regex.append("(.+?)");
            order.add(Integer.parseInt(slot.group(1)));
            last = slot.end();
        }
        regex.append(Pattern.quote(english.substring(last)));
        literal += english.length() - last;
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) != i) {
                throw new IllegalStateException("English message " + key + " must number its placeholders {0}, {1} … in order");
            }
        }
        return new Template(key, Pattern.compile(regex.toString(), Pattern.DOTALL), literal);
    }

    private static Map<String, String> load(Language language) {
        String name = "i18n/messages_" + language.tag().replace('-', '_') + ".properties";
        try (InputStream in = Messages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing message bundle " + name);
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> map = new HashMap<>();
            p.forEach((k, v) -> map.put((String) k, (String) v));
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
