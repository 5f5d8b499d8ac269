package dev.herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Router.Access;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every HTTP endpoint, public and without
 * a credential. The one source is the classpath resource {@code openapi.json} (hand-written; its
 * test compares it with the {@link Router}'s routes both ways); only {@code info.version} is filled
 * in here, from the server's version. Read and encoded once, served as the same bytes.
 */
public final class OpenApiDocument {
    static final String RESOURCE = "openapi.json";
    public static final String PATH = "/openapi.json";

    private final byte[] bytes;

    /** @param version the server's version, for {@code info.version} */
    public OpenApiDocument(String version) {
        Objects.requireNonNull(version);
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the classpath holds no " + RESOURCE);
            }
            ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(in);
            ((ObjectNode) doc.required("info")).put("version", version);
            this.bytes = Json.MAPPER.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public void register(Router r) {
        r.get(PATH, Access.PUBLIC, this::serve);
    }

    private CompletionStage<Reply> serve(Request req) {
        return CompletableFuture.completedFuture(new Reply(200, Reply.JSON, bytes));
    }
}
