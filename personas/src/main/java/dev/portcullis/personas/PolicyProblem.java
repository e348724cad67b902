package dev.portcullis.personas;

import java.util.Objects;

/**
 * One thing wrong (or suspicious) in a policy bundle, located for a human.
 *
 * @param file    the file
 * @param line    1-based line
 * @param column  1-based column
 * @param key     the path of the key, e.g. {@code personas[0].rate-limits.per-tool}
 * @param message what is wrong and what was expected
 */
public record PolicyProblem(String file, int line, int column, String key, String message) {
    /** Rejects nulls. */
    public PolicyProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
