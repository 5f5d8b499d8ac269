package dev.herald.protocol;

import static dev.herald.protocol.JsonArbitraries.MAX_SAFE_ID;
import static dev.herald.protocol.JsonArbitraries.exactValue;
import static dev.herald.protocol.JsonArbitraries.withinHangGuard;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.InboundFrame.FrameException;
import dev.herald.protocol.JsonArbitraries.Mutation;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the frame parser ({@link InboundFrame#decode}, {@link InboundFrame#peekId} and the
 * typed field access): whatever a client sends, the parser answers with a frame or with its own
 * validation exception ({@link FrameException} / {@link ProtocolException}) carrying a documented
 * code — never another exception, never a hang — and well-formed frames come back as they were
 * sent. About 1,000 tries each.
 */
class InboundFramePropertyTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<ErrorCode> DECODE_CODES =
            EnumSet.of(ErrorCode.INVALID_JSON, ErrorCode.INVALID_FRAME, ErrorCode.MISSING_FIELD, ErrorCode.INVALID_FIELD);
    private static final Set<ErrorCode> FIELD_CODES = EnumSet.of(ErrorCode.MISSING_FIELD, ErrorCode.INVALID_FIELD);
    private static final String FIELD = "f";

    /** decode's outcome: the frame, or its validation failure. */
    private record Decoded(InboundFrame frame, FrameException error) {}

    private static Decoded decode(String text) {
        return withinHangGuard(() -> {
            try {
                InboundFrame f = InboundFrame.decode(text);
                assertThat(f.type()).isNotNull();
                assertThat(f.data()).isNotNull();
                return new Decoded(f, null);
            } catch (FrameException e) {
                assertThat(e.error().code()).as("decode error code").isIn(DECODE_CODES);
                assertThat(e.error().getMessage()).isNotBlank();
                return new Decoded(null, e);
            }
        });
    }

    /** A frame whose {@code data} holds {@code value} under {@value #FIELD}. */
    private static InboundFrame frameWith(JsonNode value) {
        ObjectNode data = NODES.objectNode();
        if (value != null) {
            data.set(FIELD, value);
        }
        return new InboundFrame("t", data, null);
    }

    private interface Access<T> {
        T read(InboundFrame f) throws ProtocolException;
    }

    /** The accessor's value, or null after checking its exception is a documented field error. */
    private static <T> T access(InboundFrame f, Access<T> access) {
        return withinHangGuard(() -> {
            try {
                return access.read(f);
            } catch (ProtocolException e) {
                assertThat(e.code()).as("field error code").isIn(FIELD_CODES);
                assertThat(e.getMessage()).as("the message names the field").contains(FIELD);
                return null;
            }
        });
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }

    /** An integer token (not a fraction or exponent) in 1 … 2^53 − 1: every parser must accept it. */
    private static boolean plainSafeId(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() > 0 && n.asLong() <= MAX_SAFE_ID;
    }

    // ---------------------------------------------------------------- decode

    @Property(tries = 1000)
    void anyText_decodesOrFailsWithADocumentedCode(@ForAll("texts") String text) {
        decode(text);
        withinHangGuard(() -> InboundFrame.peekId(text)); // never throws
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(JsonArbitraries.awkwardStrings(200), Arbitraries.strings().all().ofMaxLength(500),
                JsonArbitraries.values(3).map(v -> JsonArbitraries.write(v, false)));
    }

    @Property(tries = 1000)
    void mutatedFrames_decodeOrFailWithADocumentedCode(@ForAll("frames") ObjectNode frame, @ForAll boolean escape,
                                                        @ForAll("edits") List<Mutation> edits) {
        String text = JsonArbitraries.mutate(JsonArbitraries.write(frame, escape), edits);
        Decoded d = decode(text);
        String peeked = withinHangGuard(() -> InboundFrame.peekId(text));
        if (d.frame() != null && d.frame().id() != null) {
            assertThat(peeked).as("peekId agrees with decode on %s", text).isEqualTo(d.frame().id());
        }
    }

    @Provide
    Arbitrary<List<Mutation>> edits() {
        return JsonArbitraries.mutations();
    }

    /** A well-formed frame: text type, optional id (text up to 128 or an integer), optional object data. */
    @Provide
    Arbitrary<ObjectNode> frames() {
        Arbitrary<JsonNode> ids = Arbitraries.oneOf(
                Arbitraries.just((JsonNode) null), Arbitraries.just(NODES.nullNode()),
                JsonArbitraries.awkwardStrings(128).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode));
        Arbitrary<JsonNode> data = Arbitraries.oneOf(Arbitraries.just((JsonNode) null), Arbitraries.just(NODES.nullNode()),
                JsonArbitraries.objects(2).map(o -> (JsonNode) o));
        return Combinators.combine(JsonArbitraries.awkwardStrings(30), ids, data).as((type, id, d) -> {
            ObjectNode f = NODES.objectNode();
            f.put("type", type);
            if (id != null) {
                f.set("id", id);
            }
            if (d != null) {
                f.set("data", d);
            }
            return f;
        });
    }

    @Property(tries = 1000)
    void wellFormedFrames_roundTrip(@ForAll("frames") ObjectNode frame, @ForAll boolean escape) {
        String text = JsonArbitraries.write(frame, escape);
        Decoded d = decode(text);
        assertThat(d.error()).as("%s refused: %s", text, d.error() == null ? "" : d.error().getMessage()).isNull();
        InboundFrame f = d.frame();
        assertThat(f.type()).isEqualTo(frame.get("type").asText());
        JsonNode id = frame.get("id");
        assertThat(f.id()).isEqualTo(absent(id) ? null : id.asText());
        JsonNode data = frame.get("data");
        if (absent(data)) {
            assertThat(f.data().isEmpty()).isTrue();
        } else {
            assertThat(JsonArbitraries.sameJson(f.data(), data)).as("data of %s came back as %s", text, f.data()).isTrue();
        }
        assertThat(InboundFrame.peekId(text)).isEqualTo(f.id());
    }

    /** type, id and data of any JSON kind: refused exactly when one has the wrong kind. */
    @Property(tries = 1000)
    void wrongKindsOfTypeIdOrData_areRefusedWithTheRightCode(@ForAll("anyValueOrAbsent") JsonNode type,
                                                              @ForAll("anyValueOrAbsent") JsonNode id,
                                                              @ForAll("anyValueOrAbsent") JsonNode data) {
        ObjectNode frame = NODES.objectNode();
        if (type != null) {
            frame.set("type", type);
        }
        if (id != null) {
            frame.set("id", id);
        }
        if (data != null) {
            frame.set("data", data);
        }
        Decoded d = decode(JsonArbitraries.write(frame, false));
        boolean idOk = absent(id) || (id.isTextual() || id.isIntegralNumber()) && id.asText().length() <= 128;
        boolean typeOk = !absent(type) && type.isTextual();
        boolean dataOk = absent(data) || data.isObject();
        if (idOk && typeOk && dataOk) {
            assertThat(d.error()).as("%s", frame).isNull();
        } else {
            assertThat(d.error()).as("%s", frame).isNotNull();
            ErrorCode code = d.error().error().code();
            assertThat(code).isEqualTo(!idOk || !absent(type) ? ErrorCode.INVALID_FIELD : ErrorCode.MISSING_FIELD);
            if (idOk) {
                assertThat(d.error().id()).as("the id is kept for the error reply").isEqualTo(absent(id) ? null : id.asText());
            }
        }
    }

    @Provide
    Arbitrary<JsonNode> anyValueOrAbsent() {
        return Arbitraries.oneOf(Arbitraries.just((JsonNode) null), JsonArbitraries.values(2),
                JsonArbitraries.awkwardStrings(140).map(NODES::textNode));
    }

    @Property(tries = 300)
    void deepNesting_isRefusedNotOverflowed(@ForAll("nested") String nested, @ForAll boolean inData) {
        String text = inData ? "{\"type\":\"x\",\"data\":{\"a\":" + nested + "}}" : nested;
        Decoded d = decode(text);
        long depth = nested.chars().filter(c -> c == '[' || c == '{').count();
        if (inData && depth <= 60) {
            assertThat(d.error()).as("depth %s", depth).isNull();
        }
        if (inData && d.error() != null) {
            assertThat(d.error().error().code()).as("depth %s", depth).isEqualTo(ErrorCode.INVALID_JSON);
        }
    }

    @Provide
    Arbitrary<String> nested() {
        return JsonArbitraries.deeplyNested();
    }

    // ---------------------------------------------------------------- typed access

    @Property(tries = 1000)
    void requirePositiveLong_answersAPositiveIdOrAFieldError(@ForAll("fieldValues") JsonNode value) {
        Long id = access(frameWith(value), f -> f.requirePositiveLong(FIELD));
        if (id != null) {
            assertThat(id).isPositive();
        }
        if (plainSafeId(value)) {
            assertThat(id).isEqualTo(value.asLong());
        }
        if (absent(value)) {
            assertThat(id).isNull();
        }
    }

    @Property(tries = 1000)
    void optionalNonNegativeLong_answersMinusOneOnlyWhenAbsent(@ForAll("fieldValues") JsonNode value) {
        Long n = access(frameWith(value), f -> f.optionalNonNegativeLong(FIELD));
        if (absent(value)) {
            assertThat(n).isEqualTo(-1L);
        } else if (n != null) {
            assertThat(n).isNotNegative();
        }
        if (plainSafeId(value)) {
            assertThat(n).isEqualTo(value.asLong());
        }
    }

    @Property(tries = 1000)
    void requireString_answersNonEmptyTextWithinTheLimitOrAFieldError(@ForAll("fieldValues") JsonNode value,
                                                                        @ForAll @IntRange(min = 1, max = 60) int max) {
        String s = access(frameWith(value), f -> f.requireString(FIELD, max));
        if (s != null) {
            assertThat(value.isTextual()).isTrue();
            assertThat(s).isEqualTo(value.asText()).isNotEmpty().hasSizeLessThanOrEqualTo(max);
        }
        if (absent(value) || !value.isTextual() || value.asText().isEmpty() || value.asText().length() > max) {
            assertThat(s).isNull();
        } else if (value.asText().indexOf('\u0000') < 0) {
            assertThat(s).as("a plain string within the limit is accepted").isNotNull();
        }
    }

    @Property(tries = 1000)
    void requireIdArray_answersDistinctPositiveIdsWithinTheLimitOrAFieldError(@ForAll("idArrays") JsonNode value,
                                                                                @ForAll @IntRange(min = 1, max = 8) int max) {
        long[] ids = access(frameWith(value), f -> f.requireIdArray(FIELD, max));
        if (ids != null) {
            assertThat(value.isArray()).isTrue();
            assertThat(ids.length).isLessThanOrEqualTo(max);
            assertThat(Arrays.stream(ids).allMatch(i -> i > 0)).isTrue();
            assertThat(Arrays.stream(ids).distinct().count()).isEqualTo(ids.length);
        }
        if (value != null && value.isArray() && value.size() <= max) {
            boolean allPlain = true;
            for (JsonNode e : value) {
                allPlain &= plainSafeId(e);
            }
            if (allPlain) {
                assertThat(ids).as("%s", value).isNotNull();
                long[] expected = new long[value.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = value.get(i).asLong();
                }
                assertThat(ids).containsExactly(Arrays.stream(expected).distinct().toArray());
            }
        }
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

    /**
     * An id written as any JSON number (or something like one) is accepted only when it IS that
     * positive integer: a client writing {@code 5.0000000000000000001} or {@code 9007199254740993.0}
     * must not have its frame act on another user than the one written.
     */
    @Property(tries = 1000)
    void anAcceptedId_isExactlyTheNumberTheClientWrote(@ForAll("numberTexts") String number) {
        Decoded d = decode("{\"type\":\"chat\",\"data\":{\"" + FIELD + "\":" + number + "}}");
        if (d.frame() == null) {
            assertThat(exactValue(number)).as("valid JSON number %s refused by the JSON parser", number).isNull();
            return;
        }
        Long id = access(d.frame(), f -> f.requirePositiveLong(FIELD));
        if (id != null) {
            BigDecimal written = exactValue(number);
            assertThat(written).as("%s accepted", number).isNotNull();
            assertThat(written.compareTo(BigDecimal.valueOf(id))).as("%s accepted as %s", number, id).isZero();
        }
    }

    /** SPEC §2: ids above 2^53 − 1 (which JavaScript clients cannot hold) are refused. */
    @Property(tries = 1000)
    void idsAboveTheJavaScriptRange_areRefused(@ForAll("numberTexts") String number) {
        Decoded d = decode("{\"type\":\"chat\",\"data\":{\"" + FIELD + "\":" + number + "}}");
        if (d.frame() != null) {
            Long id = access(d.frame(), f -> f.requirePositiveLong(FIELD));
            if (id != null) {
                assertThat(id).as("%s accepted", number).isBetween(1L, MAX_SAFE_ID);
            }
        }
    }

    @Provide
    Arbitrary<String> numberTexts() {
        return JsonArbitraries.numberTexts();
    }
}
