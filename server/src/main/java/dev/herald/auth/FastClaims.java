package dev.herald.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims {@link Hs256Check} reads, straight from the payload's bytes with a streaming parser
 * (no tree: this runs once per connect). Like the check, it only decides the common case and
 * answers {@code null} when it cannot: a payload that is not one JSON object, or a claim Herald
 * reads, or a registered claim (RFC 7519 §4.1), of another type than expected, or a name twice in
 * one object — then the general
 * check gives the answer. Other claims are skipped whatever they hold.
 *
 * @param sub      {@code sub}, or null when absent
 * @param exp      {@code exp} (epoch seconds), or null when absent
 * @param nbf      {@code nbf} (epoch seconds), or null when absent
 * @param iss      {@code iss}, or null when absent
 * @param aud      {@code aud} as a list (one string is a list of one), empty when absent
 * @param roles    {@code roles}, empty when absent or null
 * @param channels {@code channels}, empty when absent or null
 */
record FastClaims(String sub, Long exp, Long nbf, String iss, List<String> aud, List<String> roles,
                  List<String> channels) {

    /** The claims of a JSON payload, or null when this reader cannot decide. */
    static FastClaims read(byte[] payload) {
        String sub = null;
        String iss = null;
        Long exp = null;
        Long nbf = null;
        List<String> aud = List.of();
        List<String> roles = List.of();
        List<String> channels = List.of();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(payload)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // the general check refuses a name twice, at any depth
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return null;
                }
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "sub", "iss", "jti" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        if (name.equals("sub")) {
                            sub = p.getText();
                        } else if (name.equals("iss")) {
                            iss = p.getText();
                        }
                    }
                    case "exp", "nbf", "iat" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null;
                        }
                        if (name.equals("exp")) {
                            exp = p.getLongValue();
                        } else if (name.equals("nbf")) {
                            nbf = p.getLongValue();
                        }
                    }
                    case "aud" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            aud = List.of(p.getText());
                        } else if (value == JsonToken.START_ARRAY) {
                            aud = strings(p);
                            if (aud == null) {
                                return null;
                            }
                        } else {
                            return null;
                        }
                    }
                    case "roles", "channels" -> {
                        List<String> list = value == JsonToken.VALUE_NULL ? List.of()
                                : value == JsonToken.START_ARRAY ? strings(p) : null;
                        if (list == null) {
                            return null;
                        }
                        if (name.equals("roles")) {
                            roles = list;
                        } else {
                            channels = list;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return null; // something after the object
            }
        } catch (IOException e) {
            return null;
        }
        return new FastClaims(sub, exp, nbf, iss, aud, roles, channels);
    }

    /** The strings of the array the parser stands at the start of, or null when one is not a string. */
    private static List<String> strings(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>(4);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) {
                return null;
            }
            out.add(p.getText());
        }
        return List.copyOf(out);
    }
}
