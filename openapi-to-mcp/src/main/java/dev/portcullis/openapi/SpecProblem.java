package dev.portcullis.openapi;

import java.util.Objects;

/**
 * Something wrong or unsupported in an OpenAPI document, with where it is.
 *
 * @param severity {@link Severity#ERROR} when an operation (or the document) could not be converted,
 *                 {@link Severity#WARNING} when the result is usable but looser than the document says
 * @param location JSON pointer into the document ({@code /paths/~1pets/get/parameters/0}), or {@code ""} for the
 *                 whole document
 * @param message  what is wrong, safe to show to an admin (no document content beyond names)
 */
public record SpecProblem(Severity severity, String location, String message) {

    /** How bad a problem is. */
    public enum Severity {
        /** The document or an operation could not be converted. */
        ERROR,
        /** Converted, but something was dropped or loosened. */
        WARNING
    }

    /** Validates. */
    public SpecProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return severity.name().toLowerCase(java.util.Locale.ROOT) + " " + (location.isEmpty() ? "/" : location) + ": "
                + message;
    }
}
