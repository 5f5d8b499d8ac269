package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Chinese docs keep in step with the English ones: every page docs/X.md has docs/zh-CN/X.md with
 * as many headings, or is in the "仅英文" (English only) list of docs/zh-CN/README.md; README.md and
 * README.zh-CN.md have as many headings too, and README.md links the Chinese one.
 */
class DocsTranslationTest {
    private static final Path ROOT = Path.of("..");
    private static final Path DOCS = ROOT.resolve("docs");
    private static final Path ZH = DOCS.resolve("zh-CN");

    @Test
    void everyEnglishPageHasAChinesePageWithAsManyHeadings_orIsListedAsEnglishOnly() throws IOException {
        Set<String> englishOnly = englishOnly();
        List<String> problems = new ArrayList<>();
        Set<String> english = new TreeSet<>();
        try (Stream<Path> pages = Files.list(DOCS)) {
            pages.filter(p -> p.toString().endsWith(".md")).forEach(p -> english.add(p.getFileName().toString()));
        }
        for (String page : english) {
            Path chinese = ZH.resolve(page);
            if (Files.exists(chinese)) {
                assertThat(englishOnly).as(page + " is translated but still listed as English only").doesNotContain(page);
                int en = headings(DOCS.resolve(page));
                int zh = headings(chinese);
                if (en != zh) {
                    problems.add(page + ": " + en + " headings in English, " + zh + " in docs/zh-CN");
                }
            } else if (!englishOnly.contains(page)) {
                problems.add(page + ": no docs/zh-CN/" + page + " and not in the English-only list of docs/zh-CN/README.md");
            }
        }
        for (String listed : englishOnly) {
            if (!english.contains(listed)) {
                problems.add(listed + " is listed as English only but there is no docs/" + listed);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(Files.exists(ZH.resolve("inbox.md")) && Files.exists(ZH.resolve("api.md"))).isTrue();
    }

    @Test
    void theReadmesHaveAsManyHeadings_andTheEnglishOneLinksTheChinese() throws IOException {
        assertThat(headings(ROOT.resolve("README.zh-CN.md"))).isEqualTo(headings(ROOT.resolve("README.md")));
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("中文: [README.zh-CN.md](README.zh-CN.md)");
    }

    /** Markdown headings (# … ######) outside fenced code blocks. */
    static int headings(Path page) throws IOException {
        int count = 0;
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("#{1,6} .*")) {
                count++;
            }
        }
        return count;
    }

    private static Set<String> englishOnly() throws IOException {
        String readme = Files.readString(ZH.resolve("README.md"));
        int start = readme.indexOf("## 仅英文");
        assertThat(start).as("the English-only list in docs/zh-CN/README.md").isNotNegative();
        Set<String> pages = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^- ([a-z0-9_-]+\\.md)\\s*$").matcher(readme.substring(start));
        while (m.find()) {
            pages.add(m.group(1));
        }
        return pages;
    }
}
