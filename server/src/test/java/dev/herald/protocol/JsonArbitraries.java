package dev.herald.protocol;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators for the parser properties (frames and HTTP bodies): arbitrary text, JSON values of
 * every kind with the awkward cases weighted in (unicode with NUL and lone surrogates, huge and
 * fractional numbers, deep nesting), numbers written in JSON and non-JSON forms, and mutations
 * of valid JSON text.
 */
public final class JsonArbitraries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How long one parse may take before a property calls it a hang (far above any real parse). */
    private static final Duration HANG = Duration.ofSeconds(20);
    /** Writes every non-ASCII character as a {@code \\u} escape, so lone surrogates survive bytes. */
    private static final ObjectWriter ESCAPING = Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    /** The largest id a JavaScript client holds exactly (SPEC §2). */
    public static final long MAX_SAFE_ID = 9_007_199_254_740_991L;

    private JsonArbitraries() {}

    /** Runs {@code work}, failing the try when it does not finish within a generous bound: a hang. */
    public static <T> T withinHangGuard(Supplier<T> work) {
        return assertTimeoutPreemptively(HANG, work::get, "the parser did not finish: a hang");
    }

    /** {@code node} as JSON text: raw characters, or with non-ASCII escaped. */
    public static String write(JsonNode node, boolean escapeNonAscii) {
        try {
            return escapeNonAscii ? ESCAPING.writeValueAsString(node) : Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- text

    /** Strings weighted towards what troubles parsers and databases; any character may appear. */
    public static Arbitrary<String> awkwardStrings(int maxLength) {
        Arbitrary<String> special = Arbitraries.strings()
                .withChars('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ufeff', '\uffff', '\u2028',
                        '"', '\\', '/', '{', '}', '[', ']', ':', ',', ' ', '\n', '\t', 'é', '中', '0', '-', 'e')
                .ofMaxLength(maxLength);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(maxLength);
        Arbitrary<String> fixed = Arbitraries.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udc00x", "😀",
                "\ud83d\ude00\ud83d", "null", "true", "0", "-1", "9007199254740991", "chat", "ping");
        return Arbitraries.oneOf(special, any, fixed, Arbitraries.strings().ascii().ofMaxLength(maxLength));
    }

    // ---------------------------------------------------------------- numbers

    /** Integers around every boundary that matters: 0, 2^31, 2^53, 2^63, 2^64 and far beyond. */
    public static Arbitrary<BigInteger> edgeIntegers() {
        BigInteger two = BigInteger.TWO;
        List<BigInteger> edges = List.of(BigInteger.ZERO, BigInteger.ONE, two.pow(31), two.pow(53), two.pow(63), two.pow(64));
        Arbitrary<BigInteger> near = Combinators.combine(Arbitraries.of(edges), Arbitraries.integers().between(-2, 2),
                Arbitraries.of(1, -1)).as((edge, delta, sign) -> edge.add(BigInteger.valueOf(delta)).multiply(BigInteger.valueOf(sign)));
        Arbitrary<BigInteger> huge = Arbitraries.integers().between(19, 400)
                .map(digits -> BigInteger.TEN.pow(digits).add(BigInteger.valueOf(digits)));
        return Arbitraries.oneOf(near, huge, Arbitraries.bigIntegers().between(BigInteger.valueOf(Long.MIN_VALUE),
                BigInteger.valueOf(Long.MAX_VALUE)), Arbitraries.longs().between(-5, MAX_SAFE_ID + 5).map(BigInteger::valueOf));
    }

    /**
     * A JSON number as a client might write it: plain integers, fractions (some equal to an
     * integer, some a hair away), exponents big and small; sometimes not valid JSON at all
     * ({@code +1}, {@code 01}, {@code .5}, {@code NaN}, {@code 0x10}).
     */
    public static Arbitrary<String> numberTexts() {
        Arbitrary<String> integers = edgeIntegers().map(BigInteger::toString);
        Arbitrary<String> fractions = Combinators.combine(edgeIntegers(), Arbitraries.of(".0", ".00", ".5",
                        ".0000000000000000001", ".9999999999999999999", "e0", "E+0", "e2", "e-2", "e308", "e309",
                        "e-400", "e999999999", "E-999999999", "0e5"))
                .as((i, tail) -> i + tail);
        Arbitrary<String> notJson = Arbitraries.of("+1", "01", "-01", ".5", "1.", "1e", "-", "--1", "NaN", "Infinity",
                "-Infinity", "0x10", "1_000", "1 2", "١٢", "1e+-2");
        Arbitrary<String> doubles = Arbitraries.doubles().map(d -> Double.toString(d));
        return Arbitraries.oneOf(integers, fractions, notJson, doubles);
    }

    /** The exact value of {@code text} as a JSON number, or null when it is not one Java can hold. */
    public static BigDecimal exactValue(String text) {
        if (!text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // an exponent beyond an int
        }
    }

    // ---------------------------------------------------------------- JSON values

    /**
     * Any JSON value up to {@code depth} levels of arrays and objects. Its numbers are ones JSON
     * text carries exactly through this project's mapper (which reads fractions as doubles), so a
     * value written and read back is equal; {@link #lossyValues} adds long decimals.
     */
    public static Arbitrary<JsonNode> values(int depth) {
        return values(depth, false);
    }

    /** {@link #values} plus decimals with 25 fraction digits, which come back rounded. */
    public static Arbitrary<JsonNode> lossyValues(int depth) {
        return values(depth, true);
    }

    private static Arbitrary<JsonNode> values(int depth, boolean longDecimals) {
        Arbitrary<JsonNode> leaf = leaves(longDecimals);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = values(depth - 1, longDecimals);
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(1, arrays(inner)),
                Tuple.of(1, objects(inner)));
    }

    /** JSON objects (keys awkward too) whose values are any JSON up to {@code depth} levels. */
    /** A field's value as a client might send it: absent, any JSON (lossy numbers too), an edge integer, an awkward string. */
    public static Arbitrary<JsonNode> fieldValues() {
        return Arbitraries.oneOf(Arbitraries.just((JsonNode) null), lossyValues(2),
                edgeIntegers().map(NODES::numberNode), awkwardStrings(70).map(NODES::textNode));
    }

    /** What an id-array field might hold: any field value, or a list mostly of valid ids with a few of anything. */
    public static Arbitrary<JsonNode> idArrays() {
        Arbitrary<JsonNode> element = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(1, MAX_SAFE_ID).map(NODES::numberNode)),
                Tuple.of(1, Arbitraries.longs().between(1, 5).map(NODES::numberNode)),
                Tuple.of(1, lossyValues(1)));
        return Arbitraries.oneOf(fieldValues(), element.list().ofMaxSize(10).map(list -> {
            ArrayNode a = NODES.arrayNode();
            list.forEach(a::add);
            return (JsonNode) a;
        }));
    }

    public static Arbitrary<ObjectNode> objects(int depth) {
        return objects(values(depth));
    }

    // Containers skip jqwik's edge cases: combining those of nested lists and maps costs far more
    // than it finds; the leaves keep theirs, and empty containers come up often enough anyway.
    private static Arbitrary<JsonNode> arrays(Arbitrary<JsonNode> elements) {
        return elements.list().ofMaxSize(5).withoutEdgeCases().map(list -> {
            ArrayNode a = NODES.arrayNode();
            list.forEach(a::add);
            return a;
        });
    }

    private static Arbitrary<ObjectNode> objects(Arbitrary<JsonNode> values) {
        return Arbitraries.maps(awkwardStrings(12), values).ofMaxSize(5).withoutEdgeCases().map(JsonArbitraries::object);
    }

    public static ObjectNode object(Map<String, ? extends JsonNode> fields) {
        ObjectNode o = NODES.objectNode();
        fields.forEach(o::set);
        return o;
    }

    private static Arbitrary<JsonNode> leaves(boolean longDecimals) {
        Arbitrary<JsonNode> exact = Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                awkwardStrings(40).map(NODES::textNode),
                edgeIntegers().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode));
        return longDecimals ? Arbitraries.oneOf(exact, Arbitraries.bigDecimals().ofScale(25).map(NODES::numberNode)) : exact;
    }

    /** Equal as JSON: numbers by value (an int and a long of the same value are equal), the rest exactly. */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals((x, y) -> {
            if (x.isNumber() && y.isNumber()) {
                return x.decimalValue().compareTo(y.decimalValue());
            }
            return x.equals(y) ? 0 : 1;
        }, b);
    }

    /** {@code depth} levels of {@code [} / {@code {"k":} around a {@code 1}, as text. */
    public static Arbitrary<String> deeplyNested() {
        return Combinators.combine(Arbitraries.integers().between(1, 300), Arbitraries.of(true, false))
                .as((depth, arrays) -> (arrays ? "[" : "{\"k\":").repeat(depth) + "1" + (arrays ? "]" : "}").repeat(depth));
    }

    // ---------------------------------------------------------------- mutations

    /** One edit of a text: delete, insert or replace at a relative position. */
    public record Mutation(int kind, double at, String text) {
        String apply(String s) {
            int i = (int) Math.min(s.length(), Math.floor(at * (s.length() + 1)));
            return switch (kind) {
                case 0 -> i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s;      // delete one char
                case 1 -> s.substring(0, i) + text + s.substring(i);                         // insert
                case 2 -> s.substring(0, i) + text + s.substring(Math.min(s.length(), i + text.length())); // overwrite
                case 3 -> s.substring(0, i);                                                 // truncate
                default -> s + s.substring(i);                                               // duplicate a tail
            };
        }
    }

    /** Up to four edits, with JSON's own characters (and NUL, surrogates, big numbers) weighted in. */
    public static Arbitrary<List<Mutation>> mutations() {
        Arbitrary<String> snippets = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800", "\u0000", "\ud800", "null",
                        "true", "-", "e", "1e999999", "0", "99999999999999999999999", "\"type\"", "\"data\"", "\"id\"",
                        "{\"a\":", "[[[[", "}}}}", " ", "\n"),
                awkwardStrings(6));
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.doubles().between(0, 1), snippets).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    /** {@code text} after {@code edits}, in order. */
    public static String mutate(String text, List<Mutation> edits) {
        String s = text;
        for (Mutation m : edits) {
            s = m.apply(s);
        }
        return s;
    }
}
