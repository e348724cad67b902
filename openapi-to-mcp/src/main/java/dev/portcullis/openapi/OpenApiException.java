package dev.portcullis.openapi;

import java.util.List;

/**
 * An OpenAPI document could not be read or converted at all (unreadable, not OpenAPI, unsupported version, too
 * large or too deep). The message is specific and safe to show to an admin; {@link #problems()} lists the details.
 */
public final class OpenApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<SpecProblem> problems;

    /**
     * @param message  what went wrong
     * @param problems details with locations, possibly empty
     */
    public OpenApiException(String message, List<SpecProblem> problems) {
        super(message, null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** @param message what went wrong */
    public OpenApiException(String message) {
        this(message, List.of());
    }

    /** @return details with locations, possibly empty */
    public List<SpecProblem> problems() {
        return problems;
    }
}
