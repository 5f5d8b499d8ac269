package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pages' message catalogues (web/assets/i18n/*.json) against the pages: every key a page or
 * script uses (t('key') or data-i18n…="key") is in every catalogue, no catalogue has a key nothing
 * uses, plural texts have an "other" form, the same placeholders appear in every language, every
 * catalogue is in i18n.js's LANGUAGES, and the pages' markup holds no text of its own.
 */
class I18nCatalogueTest {
    private static final Path WEB = Path.of("src/main/resources/web");
    private static final Path CATALOGUES = WEB.resolve("assets/i18n");
    private static final Pattern USE = Pattern.compile("\\bt\\('([a-z0-9_.]+)'|data-i18n(?:-[a-z-]+)?=\"([a-z0-9_.]+)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    /** Text that may stand in the markup: the product's name, protocol codes, page sizes. */
    private static final Set<String> MARKUP_ALLOWED = Set.of("Herald", "create", "update", "delete", "10", "20", "50", "100", "–");

    @Test
    void everyUsedKeyIsInEveryCatalogue_andEveryCatalogueKeyIsUsed() throws IOException {
        Set<String> used = usedKeys();
        assertThat(used).hasSizeGreaterThan(150).contains("bell.unread", "type.success", "category.announcement", "inbox.title");
        Map<String, Map<String, JsonNode>> catalogues = catalogues();
        assertThat(catalogues.keySet()).contains("en", "zh-CN");
        for (var entry : catalogues.entrySet()) {
            Set<String> keys = entry.getValue().keySet();
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(keys);
            Set<String> unused = new TreeSet<>(keys);
            unused.removeAll(used);
            assertThat(missing).as("keys used by the pages but missing from " + entry.getKey() + ".json").isEmpty();
            assertThat(unused).as("keys of " + entry.getKey() + ".json that no page or script uses").isEmpty();
        }
    }

    @Test
    void textsArePlainOrPluralWithTheSamePlaceholdersInEveryLanguage() throws IOException {
        Map<String, Map<String, JsonNode>> catalogues = catalogues();
        Map<String, JsonNode> english = catalogues.get("en");
        for (var catalogue : catalogues.entrySet()) {
            for (var e : catalogue.getValue().entrySet()) {
                String where = catalogue.getKey() + ".json " + e.getKey();
                JsonNode value = e.getValue();
                assertThat(value.isTextual() || value.isObject()).as(where + " is a text or a plural object").isTrue();
                if (value.isObject()) {
                    assertThat(value.has("other")).as(where + " has an \"other\" form").isTrue();
                }
                assertThat(placeholders(value)).as("placeholders of " + where)
                        .isEqualTo(placeholders(english.get(e.getKey())));
            }
        }
    }

    @Test
    void everyCatalogueIsListedInLanguages_andNoOtherIs() throws IOException {
        String script = Files.readString(WEB.resolve("assets/js/i18n.js"));
        Matcher m = Pattern.compile("LANGUAGES = Object\\.freeze\\(\\[([^\\]]*)]\\)").matcher(script);
        assertThat(m.find()).as("LANGUAGES in i18n.js").isTrue();
        Set<String> listed = new TreeSet<>();
        Matcher tag = Pattern.compile("'([^']+)'").matcher(m.group(1));
        while (tag.find()) {
            listed.add(tag.group(1));
        }
        assertThat(listed).isEqualTo(catalogues().keySet());
    }

    @Test
    void theMarkupHasNoTextOfItsOwn() throws IOException {
        for (String page : List.of("index.html", "admin.html", "preferences.html")) {
            String html = Files.readString(WEB.resolve(page));
            String body = html.substring(html.indexOf("<body>"))
                    .replaceAll("(?s)<svg.*?</svg>", "")
                    .replaceAll("(?s)<textarea[^>]*>.*?</textarea>", "");
            List<String> texts = new ArrayList<>();
            Matcher m = Pattern.compile(">([^<]+)<").matcher(body);
            while (m.find()) {
                String text = m.group(1).trim();
                if (!text.isEmpty() && !MARKUP_ALLOWED.contains(text)) {
                    texts.add(text);
                }
            }
            assertThat(texts).as("text written in " + page + " instead of a data-i18n key").isEmpty();
            Matcher attribute = Pattern.compile("\\s(aria-label|placeholder|title)=\"([^\"]+)\"").matcher(body);
            List<String> attributes = new ArrayList<>();
            while (attribute.find()) {
                attributes.add(attribute.group());
            }
            assertThat(attributes).as("attributes written in " + page + " instead of data-i18n-…").isEmpty();
        }
    }

    static Set<String> usedKeys() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(WEB)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js") || f.toString().endsWith(".html")).toList()) {
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        return used;
    }

    static Map<String, Map<String, JsonNode>> catalogues() throws IOException {
        Map<String, Map<String, JsonNode>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(CATALOGUES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode root = Json.MAPPER.readTree(file.toFile());
                Map<String, JsonNode> entries = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    var e = it.next();
                    entries.put(e.getKey(), e.getValue());
                }
                out.put(file.getFileName().toString().replace(".json", ""), entries);
            }
        }
        return out;
    }

    private static Set<String> placeholders(JsonNode value) {
        Set<String> out = new TreeSet<>();
        List<String> texts = new ArrayList<>();
        if (value.isTextual()) {
            texts.add(value.asText());
        } else {
            value.forEach(v -> texts.add(v.asText()));
        }
        for (String text : texts) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
