package dev.portcullis.personas;

import java.util.List;

/** A policy bundle could not be loaded; {@link #problems()} says where and why. */
public final class PolicyException extends Exception {
    private final transient List<PolicyProblem> problems;

    /**
     * @param problems what is wrong, at least one
     */
    public PolicyException(List<PolicyProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found, in file order */
    public List<PolicyProblem> problems() {
        return problems;
    }

    private static String message(List<PolicyProblem> problems) {
        StringBuilder sb = new StringBuilder("invalid policy bundle");
        for (PolicyProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
