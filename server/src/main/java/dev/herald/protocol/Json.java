package dev.herald.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one configured Jackson mapper: strict on duplicate keys, bounded nesting, no dates as numbers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    /** Writes a document on a generator. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The bytes {@code writer} writes on a generator of {@link #MAPPER} — for the hot encodings
     * written field by field (frames, API envelopes) rather than through a map. {@code sizeHint}:
     * the buffer's first size; {@code what} names the document in the error when a value cannot
     * be encoded.
     */
    public static byte[] write(int sizeHint, String what, Writer writer) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
             JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            writer.write(g);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + what, e);
        }
    }
}
