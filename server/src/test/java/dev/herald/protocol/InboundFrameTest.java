package dev.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class InboundFrameTest {
    private static InboundFrame decode(String text) throws InboundFrame.FrameException {
        return InboundFrame.decode(text);
    }

    private static InboundFrame.FrameException refusal(String text) {
        InboundFrame.FrameException e = catchThrowableOfType(InboundFrame.FrameException.class, () -> decode(text));
        assertThat(e).as("frame %s should be refused", text).isNotNull();
        return e;
    }

    private static ProtocolException fieldError(ThrowingAccessor accessor) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, accessor::run);
        assertThat(e).isNotNull();
        return e;
    }

    interface ThrowingAccessor {
        void run() throws ProtocolException;
    }

    @Test
    void fullFrame_decodesTypeDataAndId() throws Exception {
        InboundFrame f = decode("{\"type\":\"chat\",\"data\":{\"to_user_id\":2,\"content\":\"hi\"},\"id\":\"a1\"}");
        assertThat(f.type()).isEqualTo("chat");
        assertThat(f.id()).isEqualTo("a1");
        assertThat(f.requirePositiveLong("to_user_id")).isEqualTo(2);
        assertThat(f.requireString("content", 10)).isEqualTo("hi");
    }

    @Test
    void absentOrNullDataAndId_areEmptyAndNull() throws Exception {
        InboundFrame f = decode("{\"type\":\"ping\"}");
        assertThat(f.data().isEmpty()).isTrue();
        assertThat(f.id()).isNull();
        InboundFrame g = decode("{\"type\":\"ping\",\"data\":null,\"id\":null}");
        assertThat(g.data().isEmpty()).isTrue();
        assertThat(g.id()).isNull();
    }

    @Test
    void numericId_isKeptAsText() throws Exception {
        assertThat(decode("{\"type\":\"ping\",\"id\":17}").id()).isEqualTo("17");
    }

    @Test
    void invalidJson_isInvalidJson() {
        for (String text : new String[] {"{", "not json", "{\"type\":\"ping\"} trailing", "{\"type\":\"ping\",\"type\":\"chat\"}",
                "{'type':'ping'}", "{\"type\":\"ping\",}"}) {
            assertThat(refusal(text).error().code()).as(text).isEqualTo(ErrorCode.INVALID_JSON);
        }
    }

    @Test
    void jsonTheTreeParserRefuses_isAnsweredWithTheIdWhenItComesFirst() {
        String deep = "{\"id\":\"r1\",\"type\":\"ping\",\"data\":{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}}";
        String duplicate = "{\"id\":\"r2\",\"type\":\"ping\",\"data\":{\"a\":1,\"a\":2}}";
        assertThat(refusal(deep).error().code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(refusal(deep).id()).isEqualTo("r1");
        assertThat(refusal(duplicate).error().code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(refusal(duplicate).id()).isEqualTo("r2");
        assertThat(refusal("not json").id()).isNull();
    }

    @Test
    void deepNesting_isRefusedWithoutBlowingTheStack() {
        String deep = "{\"type\":\"ping\",\"data\":{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";
        assertThat(refusal(deep).error().code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @Test
    void nonObjectJson_isInvalidFrame() {
        for (String text : new String[] {"[]", "[{\"type\":\"ping\"}]", "\"ping\"", "42", "null", "true", ""}) {
            InboundFrame.FrameException e = refusal(text);
            assertThat(e.error().code()).as(text).isEqualTo(ErrorCode.INVALID_FRAME);
            assertThat(e.id()).isNull();
        }
    }

    @Test
    void missingOrWronglyTypedType_keepsTheIdForTheReply() {
        InboundFrame.FrameException missing = refusal("{\"id\":\"x1\",\"data\":{}}");
        assertThat(missing.error().code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(missing.id()).isEqualTo("x1");
        InboundFrame.FrameException numeric = refusal("{\"id\":\"x2\",\"type\":5}");
        assertThat(numeric.error().code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(numeric.id()).isEqualTo("x2");
        assertThat(refusal("{\"type\":null}").error().code()).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void nonObjectData_isInvalidField() {
        for (String data : new String[] {"[]", "\"x\"", "3", "true"}) {
            InboundFrame.FrameException e = refusal("{\"type\":\"ping\",\"id\":\"d\",\"data\":" + data + "}");
            assertThat(e.error().code()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.error().getMessage()).contains("data");
            assertThat(e.id()).isEqualTo("d");
        }
    }

    @Test
    void badIds_areRefused() {
        assertThat(refusal("{\"type\":\"ping\",\"id\":{}}").error().code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusal("{\"type\":\"ping\",\"id\":1.5}").error().code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusal("{\"type\":\"ping\",\"id\":\"" + "x".repeat(129) + "\"}").error().getMessage()).contains("128");
    }

    @Test
    void requirePositiveLong_checksPresenceTypeSignAndTheSafeIntegerRange() throws Exception {
        InboundFrame f = decode("{\"type\":\"t\",\"data\":{\"a\":5,\"b\":\"5\",\"c\":-1,\"d\":0,\"e\":1.5,\"g\":99999999999999999999,"
                + "\"h\":true,\"i\":9223372036854775807,\"j\":null,\"k\":3.0,\"m\":9007199254740991,\"n\":9007199254740992}}");
        assertThat(f.requirePositiveLong("a")).isEqualTo(5);
        assertThat(f.requirePositiveLong("m")).isEqualTo(9007199254740991L);
        assertThat(fieldError(() -> f.requirePositiveLong("missing")).code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(fieldError(() -> f.requirePositiveLong("j")).code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(fieldError(() -> f.requirePositiveLong("n")).getMessage()).isEqualTo("n must be a positive integer no larger than 9007199254740991");
        // 3.0 too: the parser reads fractions as doubles, already rounded (9007199254740993.0 would be …992)
        for (String field : new String[] {"b", "c", "d", "e", "g", "h", "i", "k", "n"}) {
            ProtocolException e = fieldError(() -> f.requirePositiveLong(field));
            assertThat(e.code()).as(field).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.getMessage()).startsWith(field + " ");
        }
    }

    @Test
    void optionalNonNegativeLong_allowsZeroAndAbsence() throws Exception {
        InboundFrame f = decode("{\"type\":\"t\",\"data\":{\"zero\":0,\"seven\":7,\"neg\":-2,\"text\":\"1\",\"big\":9007199254740992}}");
        assertThat(f.optionalNonNegativeLong("zero")).isZero();
        assertThat(fieldError(() -> f.optionalNonNegativeLong("big")).getMessage()).contains("big").contains("9007199254740991");
        assertThat(f.optionalNonNegativeLong("seven")).isEqualTo(7);
        assertThat(f.optionalNonNegativeLong("absent")).isEqualTo(-1);
        assertThat(fieldError(() -> f.optionalNonNegativeLong("neg")).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(fieldError(() -> f.optionalNonNegativeLong("text")).code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }

    @Test
    void requireString_checksTypeEmptinessAndLength() throws Exception {
        InboundFrame f = decode("{\"type\":\"t\",\"data\":{\"s\":\"abc\",\"n\":1,\"e\":\"\",\"o\":{}}}");
        assertThat(f.requireString("s", 3)).isEqualTo("abc");
        assertThat(fieldError(() -> f.requireString("s", 2)).getMessage()).contains("at most 2");
        assertThat(fieldError(() -> f.requireString("n", 9)).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(fieldError(() -> f.requireString("o", 9)).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(fieldError(() -> f.requireString("e", 9)).getMessage()).contains("empty");
        assertThat(fieldError(() -> f.requireString("x", 9)).code()).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void requireIdArray_validatesAndDeduplicates() throws Exception {
        InboundFrame f = decode("{\"type\":\"t\",\"data\":{\"ok\":[3,1,3,2],\"neg\":[1,-1],\"str\":[\"1\"],"
                + "\"obj\":{\"a\":1},\"big\":[1,2,3,4],\"empty\":[],\"unsafe\":[1,9007199254740992]}}");
        assertThat(fieldError(() -> f.requireIdArray("unsafe", 10)).getMessage()).contains("unsafe[1]").contains("9007199254740991");
        assertThat(f.requireIdArray("ok", 10)).containsExactly(3, 1, 2);
        assertThat(f.requireIdArray("empty", 10)).isEmpty();
        assertThat(fieldError(() -> f.requireIdArray("neg", 10)).getMessage()).contains("neg[1]");
        assertThat(fieldError(() -> f.requireIdArray("str", 10)).getMessage()).contains("str[0]");
        assertThat(fieldError(() -> f.requireIdArray("obj", 10)).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(fieldError(() -> f.requireIdArray("big", 3)).getMessage()).contains("at most 3");
        assertThat(fieldError(() -> f.requireIdArray("none", 3)).code()).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void peekId_findsTheTopLevelIdWithoutDecoding() {
        assertThat(InboundFrame.peekId("{\"type\":\"x\",\"data\":{\"id\":\"inner\"},\"id\":\"outer\"}")).isEqualTo("outer");
        assertThat(InboundFrame.peekId("{\"id\":12,\"type\":\"x\"")).isEqualTo("12");
        assertThat(InboundFrame.peekId("{\"data\":[1,[2,{\"id\":3}]],\"id\":\"a\"}")).isEqualTo("a");
        assertThat(InboundFrame.peekId("{\"type\":\"x\"}")).isNull();
        assertThat(InboundFrame.peekId("{\"id\":{\"a\":1}}")).isNull();
        assertThat(InboundFrame.peekId("{\"id\":\"" + "x".repeat(129) + "\"}")).isNull();
        assertThat(InboundFrame.peekId("[{\"id\":\"a\"}]")).isNull();
        assertThat(InboundFrame.peekId("not json")).isNull();
        assertThat(InboundFrame.peekId("{\"data\":" + "[".repeat(5000) + "]}")).isNull();
    }
}
