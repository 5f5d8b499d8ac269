package dev.herald.client;

import java.util.Map;

/**
 * The one exception every {@link HeraldClient} call throws when it does not succeed: either Herald
 * answered with an error envelope ({@code {"code": 422, "message": "validation failed", "data":
 * {"errors": {"title": "is required"}}}}), or no answer arrived (connection refused or reset, a
 * timeout). Unchecked, like the failures of {@code java.net.http} callers usually wrap.
 *
 * <p>{@link #status()} is the HTTP status (Herald's envelope {@code code} equals it), or {@code 0}
 * when no HTTP answer was received; then {@link #getCause()} is the I/O failure and
 * {@link #isTimeout()} says whether it was a timeout (connect or request).
 */
public final class HeraldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, 0 without an answer. */
    private final int status;
    /** The envelope's code. */
    private final int code;
    /** The envelope's {@code data.errors}. */
    private final Map<String, String> fieldErrors;
    /** Whether no answer came in time. */
    private final boolean timeout;

    /**
     * An error answer from Herald.
     *
     * @param status      the HTTP status
     * @param code        the envelope's {@code code} (equal to the status on every Herald answer)
     * @param message     the envelope's {@code message}
     * @param fieldErrors the envelope's {@code data.errors}, field name to reason (empty when absent)
     */
    public HeraldException(int status, int code, String message, Map<String, String> fieldErrors) {
        super(message);
        this.status = status;
        this.code = code;
        this.fieldErrors = Map.copyOf(fieldErrors);
        this.timeout = false;
    }

    /**
     * No answer: the request could not be sent or its answer not read.
     *
     * @param message what was being done
     * @param cause   the I/O failure
     * @param timeout whether the failure was a connect or request timeout
     */
    public HeraldException(String message, Throwable cause, boolean timeout) {
        super(message, cause);
        this.status = 0;
        this.code = 0;
        this.fieldErrors = Map.of();
        this.timeout = timeout;
    }

    /** @return the HTTP status of Herald's answer, or {@code 0} when there was none */
    public int status() {
        return status;
    }

    /** @return the envelope's {@code code} (Herald sets it equal to the HTTP status), or {@code 0} without an answer */
    public int code() {
        return code;
    }

    /**
     * @return the envelope's {@code data.errors}: each refused field (or {@code token} for a refused
     *         user token) with its reason; empty when the answer named none
     */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** @return whether no answer arrived within the connect or request timeout */
    public boolean isTimeout() {
        return timeout;
    }

    /** @return the class, then the status (or "no answer"), the message and any field errors — for logs */
    @Override
    public String toString() {
        String what = status == 0 ? (timeout ? "timeout" : "no answer") : Integer.toString(status);
        return "HeraldException(" + what + "): " + getMessage() + (fieldErrors.isEmpty() ? "" : " " + fieldErrors);
    }
}
