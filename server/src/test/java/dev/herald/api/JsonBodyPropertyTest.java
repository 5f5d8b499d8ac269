package dev.herald.api;

import static dev.herald.protocol.JsonArbitraries.MAX_SAFE_ID;
import static dev.herald.protocol.JsonArbitraries.exactValue;
import static dev.herald.protocol.JsonArbitraries.withinHangGuard;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.JsonArbitraries;
import dev.herald.protocol.Values;
import dev.herald.protocol.JsonArbitraries.Mutation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the HTTP body parser ({@link Request#json()} and {@link JsonBody}'s typed
 * getters): whatever the body, the parser answers with a {@link JsonBody} or an
 * {@link ApiException} 400, the getters never throw, and {@link JsonBody#validate()} throws only
 * a 422 naming exactly the fields that were wrong — never another exception, never a hang; valid
 * bodies come back as sent. About 1,000 tries each.
 */
class JsonBodyPropertyTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FIELD = "f";

    private static Request request(byte[] body) {
        return new Request("POST", "/p", Map.of(), Map.of(), body, null);
    }

    /** The parsed body, or null after checking the refusal is a 400 with a message. */
    private static JsonBody parse(byte[] body) {
        return withinHangGuard(() -> {
            try {
                JsonBody b = request(body).json();
                assertThat(b.root()).isNotNull();
                return b;
            } catch (ApiException e) {
                assertThat(e.status()).as("status of a body that cannot be read").isEqualTo(400);
                assertThat(e.getMessage()).isNotBlank();
                return null;
            }
        });
    }

    /** What one getter made of {@value #FIELD}: its value, and the 422 reason when it refused it. */
    private record Read<T>(T value, String error) {}

    /** Runs {@code getter} on a body holding {@code value} (absent when null), then validates. */
    private static <T> Read<T> read(JsonNode value, Function<JsonBody, T> getter) {
        ObjectNode root = NODES.objectNode();
        if (value != null) {
            root.set(FIELD, value);
        }
        return withinHangGuard(() -> {
            JsonBody b = new JsonBody(root);
            T v = getter.apply(b);
            try {
                b.validate();
                return new Read<>(v, null);
            } catch (ApiException e) {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errors()).as("a 422 names only the field read").containsOnlyKeys(FIELD);
                assertThat(e.errors().get(FIELD)).isNotBlank();
                return new Read<>(v, e.errors().get(FIELD));
            }
        });
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }

    private static boolean plainSafeId(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() > 0 && n.asLong() <= MAX_SAFE_ID;
    }

    // ---------------------------------------------------------------- parsing

    @Property(tries = 1000)
    void anyBytes_parseOrAnswer400(@ForAll("bodies") byte[] body) {
        parse(body);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                JsonArbitraries.awkwardStrings(200).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                JsonArbitraries.awkwardStrings(200).map(s -> s.getBytes(StandardCharsets.UTF_16)),
                JsonArbitraries.values(3).map(v -> JsonArbitraries.write(v, false).getBytes(StandardCharsets.UTF_8)),
                JsonArbitraries.deeplyNested().map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 1000)
    void mutatedBodies_parseOrAnswer400(@ForAll("objects") ObjectNode root, @ForAll boolean escape,
                                        @ForAll("edits") List<Mutation> edits, @ForAll("rawBytes") byte[] spliced,
                                        @ForAll @IntRange(min = 0, max = 1000) int at) {
        byte[] text = JsonArbitraries.mutate(JsonArbitraries.write(root, escape), edits).getBytes(StandardCharsets.UTF_8);
        int i = text.length == 0 ? 0 : at % (text.length + 1);
        byte[] body = new byte[text.length + spliced.length];
        System.arraycopy(text, 0, body, 0, i);
        System.arraycopy(spliced, 0, body, i, spliced.length);
        System.arraycopy(text, i, body, i + spliced.length, text.length - i);
        JsonBody b = parse(body);
        if (b != null) {
            readEveryWay(b.root());
        }
    }

    /** Bytes to splice into UTF-8 text: nothing, or invalid sequences (lone continuation, CESU surrogates, 0xFF). */
    @Provide
    Arbitrary<byte[]> rawBytes() {
        return Arbitraries.oneOf(Arbitraries.just(new byte[0]),
                Arbitraries.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {0}, new byte[] {(byte) 0xF4, (byte) 0x90}),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4));
    }

    /** Every getter on every field of a parsed body: none may throw. */
    private static void readEveryWay(ObjectNode root) {
        root.fieldNames().forEachRemaining(name -> {
            JsonBody b = new JsonBody(root);
            b.has(name);
            b.positiveId(name);
            b.optionalPositiveId(name);
            b.ids(name, 5, true);
            b.ids(name, 5, false);
            b.string(name, 10, true);
            b.string(name, 10, false);
            b.object(name);
            b.value(name);
            b.bool(name, false);
            try {
                b.validate();
            } catch (ApiException e) {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errors()).containsOnlyKeys(name);
            }
        });
    }

    @Provide
    Arbitrary<ObjectNode> objects() {
        return JsonArbitraries.objects(2);
    }

    @Provide
    Arbitrary<List<Mutation>> edits() {
        return JsonArbitraries.mutations();
    }

    // ---------------------------------------------------------------- getters

    @Property(tries = 1000)
    void positiveId_answersAPositiveIdOrNamesTheField(@ForAll("fieldValues") JsonNode value) {
        Read<Long> r = read(value, b -> b.positiveId(FIELD));
        if (r.error() == null) {
            assertThat(r.value()).isPositive();
        } else {
            assertThat(r.value()).isZero();
        }
        assertThat(r.error() != null).as("refused %s", value).isEqualTo(r.value() == 0);
        if (plainSafeId(value)) {
            assertThat(r.value()).isEqualTo(value.asLong());
        }
        Read<Long> optional = read(value, b -> b.optionalPositiveId(FIELD));
        if (absent(value)) {
            assertThat(optional).isEqualTo(new Read<Long>(0L, null));
        } else {
            assertThat(optional.value()).isEqualTo(r.value());
            assertThat(optional.error() == null).isEqualTo(r.error() == null);
        }
    }

    @Property(tries = 1000)
    void ids_answerDistinctPositiveIdsWithinTheLimitOrNameTheField(@ForAll("idArrays") JsonNode value,
                                                                     @ForAll @IntRange(min = 1, max = 8) int max,
                                                                     @ForAll boolean required) {
        Read<long[]> r = read(value, b -> b.ids(FIELD, max, required));
        long[] ids = r.value();
        assertThat(ids).isNotNull();
        assertThat(ids.length).isLessThanOrEqualTo(max);
        assertThat(Arrays.stream(ids).allMatch(i -> i > 0)).isTrue();
        assertThat(Arrays.stream(ids).distinct().count()).isEqualTo(ids.length);
        if (r.error() != null) {
            assertThat(ids).isEmpty();
        }
        if (absent(value)) {
            assertThat(r.error() != null).isEqualTo(required);
        } else if (value.isArray() && value.size() <= max && !(required && value.isEmpty())) {
            boolean allPlain = true;
            for (JsonNode e : value) {
                allPlain &= plainSafeId(e);
            }
            if (allPlain) {
                assertThat(r.error()).as("%s", value).isNull();
                long[] expected = new long[value.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = value.get(i).asLong();
                }
                assertThat(ids).containsExactly(Arrays.stream(expected).distinct().toArray());
            }
        } else {
            assertThat(r.error()).as("%s", value).isNotNull();
        }
    }

    @Property(tries = 1000)
    void string_answersTextWithinTheLimitOrNamesTheField(@ForAll("fieldValues") JsonNode value,
                                                          @ForAll @IntRange(min = 1, max = 60) int max,
                                                          @ForAll boolean required) {
        Read<String> r = read(value, b -> b.string(FIELD, max, required));
        if (r.value() != null) {
            assertThat(r.error()).isNull();
            assertThat(r.value()).isEqualTo(value.asText()).hasSizeLessThanOrEqualTo(max);
            if (required) {
                assertThat(r.value()).isNotBlank();
            }
        }
        if (absent(value)) {
            assertThat(r.value()).isNull();
            assertThat(r.error() != null).isEqualTo(required);
        } else if (!value.isTextual() || value.asText().length() > max || required && value.asText().isBlank()) {
            assertThat(r.error()).as("%s", value).isNotNull();
        } else if (value.asText().indexOf('\u0000') < 0) {
            assertThat(r.value()).as("a plain string within the limit is accepted").isEqualTo(value.asText());
        }
    }

    @Property(tries = 1000)
    void objectBoolAndValue_answerWhatWasSentOrNameTheField(@ForAll("fieldValues") JsonNode value, @ForAll boolean fallback) {
        Read<ObjectNode> o = read(value, b -> b.object(FIELD));
        if (absent(value)) {
            assertThat(o).isEqualTo(new Read<ObjectNode>(null, null));
        } else if (value.isObject() && !Values.hasNul(value)) {
            assertThat(o.value()).isSameAs(value);
        } else { // not an object, or one with a NUL character somewhere (stored data must not hold it)
            assertThat(o.value()).isNull();
            assertThat(o.error()).isNotNull();
        }
        Read<Boolean> bool = read(value, b -> b.bool(FIELD, fallback));
        assertThat(bool.value()).isEqualTo(value != null && value.isBoolean() ? value.asBoolean() : fallback);
        assertThat(bool.error() != null).isEqualTo(!absent(value) && !value.isBoolean());
        Read<JsonNode> any = read(value, b -> b.value(FIELD));
        assertThat(any.error()).isNull();
        assertThat(any.value()).isEqualTo(absent(value) ? null : value);
    }

    @Provide
    Arbitrary<JsonNode> fieldValues() {
        return JsonArbitraries.fieldValues();
    }

    @Provide
    Arbitrary<JsonNode> idArrays() {
        return JsonArbitraries.idArrays();
    }

    // ---------------------------------------------------------------- ids as JSON numbers

    /** An id written as any JSON number is accepted only when it IS that positive integer. */
    @Property(tries = 1000)
    void anAcceptedId_isExactlyTheNumberTheClientWrote(@ForAll("numberTexts") String number) {
        JsonBody b = parse(("{\"" + FIELD + "\":" + number + ",\"list\":[" + number + "]}").getBytes(StandardCharsets.UTF_8));
        if (b == null) {
            assertThat(exactValue(number)).as("valid JSON number %s refused by the JSON parser", number).isNull();
            return;
        }
        long id = b.positiveId(FIELD);
        long[] listed = b.ids("list", 10, true);
        BigDecimal written = exactValue(number);
        if (id != 0) {
            assertThat(written.compareTo(BigDecimal.valueOf(id))).as("%s accepted as %s", number, id).isZero();
        }
        if (listed.length == 1) {
            assertThat(written.compareTo(BigDecimal.valueOf(listed[0]))).as("[%s] accepted as %s", number, listed[0]).isZero();
        }
    }

    /** SPEC §2: ids above 2^53 − 1 (which JavaScript clients cannot hold) are refused, naming the field. */
    @Property(tries = 1000)
    void idsAboveTheJavaScriptRange_areRefused(@ForAll("numberTexts") String number) {
        JsonBody b = parse(("{\"" + FIELD + "\":" + number + "}").getBytes(StandardCharsets.UTF_8));
        if (b != null) {
            long id = b.positiveId(FIELD);
            assertThat(id).as("%s accepted", number).isBetween(0L, MAX_SAFE_ID);
            long[] listed = new JsonBody(b.root().set("list", NODES.arrayNode().add(b.root().get(FIELD))))
                    .ids("list", 10, true);
            assertThat(Arrays.stream(listed).allMatch(i -> i >= 1 && i <= MAX_SAFE_ID)).as("[%s] accepted as %s", number,
                    Arrays.toString(listed)).isTrue();
        }
    }

    @Provide
    Arbitrary<String> numberTexts() {
        return JsonArbitraries.numberTexts();
    }

    // ---------------------------------------------------------------- round trip

    /** A valid send-like body: recipients, a title, a data object, a flag. */
    private record Valid(List<Long> userIds, String title, ObjectNode data, boolean flag) {
        ObjectNode json() {
            ObjectNode o = NODES.objectNode();
            ArrayNode ids = o.putArray("user_ids");
            userIds.forEach(ids::add);
            o.put("title", title);
            o.set("data", data);
            o.put("flag", flag);
            return o;
        }
    }

    @Provide
    Arbitrary<Valid> validBodies() {
        Arbitrary<String> titles = JsonArbitraries.awkwardStrings(100)
                .map(s -> "t" + s.replace('\u0000', ' ')); // not blank; no NUL, which the API may refuse
        return Combinators.combine(Arbitraries.longs().between(1, MAX_SAFE_ID).list().ofMinSize(1).ofMaxSize(20),
                titles, JsonArbitraries.objects(2).filter(o -> !Values.hasNul(o)), Arbitraries.of(true, false))
                .as(Valid::new);
    }

    @Property(tries = 1000)
    void validBodies_comeBackAsSent(@ForAll("validBodies") Valid valid) {
        // non-ASCII escaped, so lone surrogates survive the trip through UTF-8 bytes
        byte[] body = JsonArbitraries.write(valid.json(), true).getBytes(StandardCharsets.UTF_8);
        JsonBody b = parse(body);
        assertThat(b).as("refused: %s", new String(body, StandardCharsets.UTF_8)).isNotNull();
        long[] ids = b.ids("user_ids", 20, true);
        String title = b.string("title", 255, true);
        ObjectNode data = b.object("data");
        boolean flag = b.bool("flag", !valid.flag());
        b.validate();
        assertThat(ids).containsExactly(valid.userIds().stream().mapToLong(Long::longValue).distinct().toArray());
        assertThat(title).isEqualTo(valid.title());
        assertThat(JsonArbitraries.sameJson(data, valid.data())).as("data came back as %s", data).isTrue();
        assertThat(flag).isEqualTo(valid.flag());
    }
}
