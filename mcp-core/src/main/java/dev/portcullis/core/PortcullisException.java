package dev.portcullis.core;

/**
 * Thrown for misconfiguration and for failures that are not an expected request outcome. Expected
 * outcomes (deny, redact, rate-limited) are {@link Verdict values}, never exceptions.
 */
public class PortcullisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, safe to log (no secrets)
     */
    public PortcullisException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, safe to log (no secrets)
     * @param cause   underlying cause
     */
    public PortcullisException(String message, Throwable cause) {
        super(message, cause);
    }
}
