package dev.herald.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two message bundles agree, each fixed message in the sources has a template (so a new
 * {@code new ApiException(422, "…")} or {@code sendError(…, "…")} fails here until it is added to
 * both bundles), and Accept-Language is read as RFC 9110 says.
 */
class MessagesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d}");
    /** Messages that are only a field or header name and the varying part, the same in both languages. */
    private static final Set<String> SAME_IN_BOTH = Set.of("last_event_id_bad", "channel_problem");
    /**
     * Calls whose message argument is one whole string literal: envelopes, API failures, error frames,
     * protocol and token failures, and validation reasons.
     */
    private static final Pattern FIXED_MESSAGE = Pattern.compile(
            "(?:new ApiException\\(\\d{3}, |Reply\\.envelope\\([45]\\d{2}, |sendError\\([^,()]+(?:\\(\\))?, ErrorCode\\.\\w+, "
                    + "|ProtocolException\\(ErrorCode\\.\\w+, |TokenException\\(\"\\w+\", |ApiException\\.unavailable\\("
                    + "|errors\\.put\\(\\w+, |errors\\.put\\(\"\\w+\", |error\\(field, |reject\\([^,()]+, ErrorCode\\.\\w+, )"
                    + "\"((?:[^\"\\\\]|\\\\.)*)\"\\s*[,)]");

    @Test
    void bothBundlesHaveTheSameKeysAndPlaceholders() {
        Map<String, String> en = Messages.get().bundle(Language.EN);
        Map<String, String> zh = Messages.get().bundle(Language.ZH_CN);
        assertThat(zh.keySet()).as("keys of messages_zh_CN.properties").isEqualTo(en.keySet());
        assertThat(en).hasSizeGreaterThan(100);
        for (String key : en.keySet()) {
            assertThat(zh.get(key)).as(key).isNotBlank();
            assertThat(placeholders(zh.get(key))).as("placeholders of " + key).isEqualTo(placeholders(en.get(key)));
            assertThat(zh.get(key)).as("zh-CN text of " + key + " is not the English one")
                    .isNotEqualTo(SAME_IN_BOTH.contains(key) ? "" : en.get(key));
        }
    }

    @Test
    void everyFixedMessageInTheSourcesHasATemplate() throws IOException {
        Map<String, String> english = Messages.get().bundle(Language.EN);
        List<String> missing = new ArrayList<>();
        int found = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/herald"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = FIXED_MESSAGE.matcher(Files.readString(file));
                while (m.find()) {
                    found++;
                    String text = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
                    // a whole literal needs its own line, or a template whose varying parts it fills with
                    // field names only ("type is required"): a looser match ("the request body" in
                    // "{0} must be a JSON object") would leave English in the translation
                    List<String> parts = Messages.get().partsOf(text);
                    if (parts == null || !parts.stream().allMatch(p -> p.matches("[a-z_]+"))) {
                        missing.add(file.getFileName() + ": \"" + text + "\"");
                    }
                }
            }
        }
        assertThat(found).as("fixed messages found in the sources").isGreaterThan(40);
        assertThat(missing).as("messages with no line in i18n/messages_en.properties and messages_zh_CN.properties")
                .isEmpty();
    }

    @Test
    void localizesWholeMessagesAndTheirVaryingParts() {
        assertThat(Messages.localize("validation failed", Language.ZH_CN)).isEqualTo("校验失败");
        assertThat(Messages.localize("validation failed", Language.EN)).isEqualTo("validation failed");
        assertThat(Messages.localize("must have at most 3 actions", Language.ZH_CN)).isEqualTo("最多只能有 3 个操作");
        assertThat(Messages.localize("an action was already taken on this notification", Language.ZH_CN))
                .isEqualTo("这条通知的操作已经执行过了");
        assertThat(Messages.localize("must be at most 255 characters", Language.ZH_CN)).isEqualTo("最多 255 个字符");
        assertThat(Messages.localize("title must be at most 255 characters", Language.ZH_CN)).isEqualTo("title 最多 255 个字符");
        assertThat(Messages.localize("notification not found", Language.ZH_CN)).isEqualTo("未找到通知");
        assertThat(Messages.localize("channel must not be empty", Language.ZH_CN)).isEqualTo("channel 不能为空");
        assertThat(Messages.localize("channel may only contain letters, digits and _ - : . @ = /", Language.ZH_CN))
                .isEqualTo("channel 只能包含字母、数字和 _ - : . @ = /");
        assertThat(Messages.localize("user 5 already has the maximum of 3 connections on its node; the connection was closed",
                Language.ZH_CN)).isEqualTo("用户 5 的连接数已达上限 3（在其所在节点上）；连接已关闭");
        assertThat(Messages.localize("something Herald never says", Language.ZH_CN)).isEqualTo("something Herald never says");
        assertThat(Messages.localize(null, Language.ZH_CN)).isNull();
    }

    @Test
    void acceptLanguageHonoursQValuesAndDefaultsToEnglish() {
        assertThat(Language.fromAcceptLanguage(null)).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("zh-CN")).isEqualTo(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("en;q=0.5, zh;q=0.8")).isEqualTo(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("zh-Hans-CN")).isEqualTo(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("zh-TW, fr")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("zh-CN;q=0, en")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr-FR, de;q=0.9, zh-CN;q=0.1")).isEqualTo(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("de, *;q=0.5")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("zh-CN;q=garbage, en;q=0.1")).isEqualTo(Language.EN);
    }

    private static Set<String> placeholders(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
