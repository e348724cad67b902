package dev.portcullis.server.config;

import java.util.List;

import dev.portcullis.core.PortcullisException;

/**
 * The configuration cannot be used. Carries every problem found, each naming the key path and the
 * reason, so that an operator can fix them all in one pass. The gateway refuses to start.
 */
public final class ConfigException extends PortcullisException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems one line per problem, each starting with the key path
     */
    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * @param problem the single problem, starting with the key path or file
     * @param cause   underlying cause
     */
    public ConfigException(String problem, Throwable cause) {
        super(format(List.of(problem)), cause);
        this.problems = List.of(problem);
    }

    /**
     * @return the problems, one per line, each starting with the key path
     */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        return "invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
                + String.join("\n  ", problems);
    }
}
