package dev.portcullis.registry;

import java.util.List;
import java.util.Objects;

import dev.portcullis.core.PortcullisException;

/**
 * A registry operation that could not be carried out. The {@link #reason()} is stable and tells the HTTP
 * layer how to answer; the message is safe to show an administrator (it never contains header values,
 * environment values or tool descriptions).
 */
public final class RegistryException extends PortcullisException {
    private static final long serialVersionUID = 1L;

    /** Why the operation failed; each maps to one HTTP status. */
    public enum Reason {
        /** No such upstream, version or quarantined tool (404). */
        NOT_FOUND(404),
        /** The request contradicts the registry's state, e.g. a reused version or a clashing tool prefix (409). */
        CONFLICT(409),
        /** The input is malformed; {@link #problems()} lists each problem with its field path (400). */
        INVALID(400),
        /** The target is managed by configuration and cannot be changed through the API (403). */
        READ_ONLY(403),
        /** The state file could not be read or written; nothing was changed (500). */
        STORAGE(500);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** @return the HTTP status an API answers this reason with */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;
    private final List<String> problems;

    /**
     * @param reason  stable reason
     * @param message what went wrong, safe to show
     */
    public RegistryException(Reason reason, String message) {
        this(reason, message, List.of(), null);
    }

    /**
     * @param reason  stable reason
     * @param message what went wrong, safe to show
     * @param cause   underlying cause
     */
    public RegistryException(Reason reason, String message, Throwable cause) {
        this(reason, message, List.of(), cause);
    }

    /**
     * An {@link Reason#INVALID} failure listing every problem found.
     *
     * @param problems each as {@code "field.path: what is wrong (expected: ...)"}
     * @return the exception
     */
    public static RegistryException invalid(List<String> problems) {
        List<String> copy = List.copyOf(problems);
        return new RegistryException(Reason.INVALID, String.join("; ", copy), copy, null);
    }

    private RegistryException(Reason reason, String message, List<String> problems, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.problems = problems.isEmpty() ? List.of(message) : problems;
    }

    /** @return the stable reason */
    public Reason reason() {
        return reason;
    }

    /** @return every problem found (for {@link Reason#INVALID}: one entry per field); never empty */
    public List<String> problems() {
        return problems;
    }
}
