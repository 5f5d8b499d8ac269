package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each Java source file under a root refers to in the {@code dev.herald} packages, read from the
 * text so the architecture test needs no bytecode library: import lines (single, wildcard and
 * static) and fully-qualified names written inline. Comments, string literals, text blocks and char
 * literals are blanked out first, so a name in a javadoc or a message is not a dependency. Classes of
 * the same package need no import and are not cross-package references, so they are not reported.
 */
public final class JavaSources {
    private static final String ROOT = "dev.herald";
    /** {@code dev.herald[.pkg…].Type} or {@code dev.herald.pkg….*}: the package, then the type (or null for *). */
    private static final Pattern REFERENCE =
            Pattern.compile("\\bdev\\.herald((?:\\.[a-z_][a-z0-9_]*)*)\\.(?:([A-Z][A-Za-z0-9_]*)|\\*)");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([a-z0-9_.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern DECLARATION = Pattern.compile(
            "^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*(class|record|enum|interface|@interface)\\s",
            Pattern.MULTILINE);

    /** One source file: its package and the kind of its top-level type ({@code class}, {@code record}…). */
    public record SourceFile(Path path, String packageName, String typeName, String kind) {}

    /** A reference from a file (at a 1-based line) to a type of another {@code dev.herald} package. */
    public record Reference(SourceFile from, int line, String packageName, String typeName, String code) {
        /** {@code store/SqlErrors.java:7: import dev.herald.api.ApiException;} */
        public String describe(Path root) {
            return root.relativize(from.path()).toString().replace('\\', '/').replaceFirst("^dev/herald/", "")
                    + ":" + line + ": " + code;
        }
    }

    /** The files and references found under a source root. */
    public record Scan(Path root, List<SourceFile> files, List<Reference> references) {}

    private JavaSources() {}

    public static Scan scan(Path root) {
        List<SourceFile> files = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = codeOnly(Files.readString(path, StandardCharsets.UTF_8));
                Matcher pkg = PACKAGE.matcher(code);
                Matcher decl = DECLARATION.matcher(code);
                String typeName = path.getFileName().toString().replaceFirst("\\.java$", "");
                SourceFile file = new SourceFile(path, pkg.find() ? pkg.group(1) : "", typeName,
                        decl.find() ? decl.group(1) : "unknown");
                files.add(file);
                references.addAll(references(file, code));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scan(root, List.copyOf(files), List.copyOf(references));
    }

    private static List<Reference> references(SourceFile file, String code) {
        List<Reference> out = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = REFERENCE.matcher(lines[i]);
            while (m.find()) {
                String pkg = ROOT + m.group(1);
                if (!pkg.equals(file.packageName()) && !lines[i].stripLeading().startsWith("package ")) {
                    out.add(new Reference(file, i + 1, pkg, m.group(2), lines[i].strip()));
                }
            }
        }
        return out;
    }

    /**
     * The source with every comment and literal replaced by spaces (line breaks kept, so line
     * numbers stay true).
     */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            String closing = null;
            if (source.startsWith("//", i)) {
                closing = "\n";
            } else if (source.startsWith("/*", i)) {
                closing = "*/";
            } else if (source.startsWith("\"\"\"", i)) {
                closing = "\"\"\"";
            } else if (c == '"' || c == '\'') {
                closing = String.valueOf(c);
            }
            if (closing == null) {
                out.append(c);
                i++;
                continue;
            }
            int start = i;
            i += closing.equals("\n") ? 2 : closing.equals("*/") ? 2 : closing.length();
            while (i < n && !source.startsWith(closing, i)) {
                i += source.charAt(i) == '\\' && closing.charAt(0) != '\n' && closing.charAt(0) != '*' ? 2 : 1;
            }
            i = Math.min(n, closing.equals("\n") ? i : i + closing.length());
            for (int k = start; k < i; k++) {
                out.append(source.charAt(k) == '\n' ? '\n' : ' ');
            }
        }
        return out.toString();
    }
}
