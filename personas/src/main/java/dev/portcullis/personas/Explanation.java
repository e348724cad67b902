package dev.portcullis.personas;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a decision came out as it did.
 *
 * @param decision       the decision
 * @param binding        the caller's persona binding, if any
 * @param personaMatches the persona rules that match the target
 * @param grants         every grant of the person that matches the target
 * @param steps          the reasoning, one line per step
 */
public record Explanation(Authorization decision, Optional<PolicyBundle.Binding> binding, List<String> personaMatches,
                          List<GrantMatch> grants, List<String> steps) {
    /** Copies and rejects nulls. */
    public Explanation {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(binding, "binding");
        personaMatches = List.copyOf(personaMatches);
        grants = List.copyOf(grants);
        steps = List.copyOf(steps);
    }

    /**
     * A grant that matches the target.
     *
     * @param entitlement  entitlement name
     * @param grantIndex   index of the grant in the entitlement
     * @param via          how the person holds it: {@code group finance} or {@code subject <sub>}
     * @param matchedBy    the rules that matched
     * @param requireScope the scope the grant needs, if any
     */
    public record GrantMatch(String entitlement, int grantIndex, String via, List<String> matchedBy,
                             Optional<String> requireScope) {
        /** Copies. */
        public GrantMatch {
            matchedBy = List.copyOf(matchedBy);
        }
    }

    /** @return the decision as text: a verdict line, then the steps and grants */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(switch (decision) {
            case Authorization.Permit p -> "ALLOW (persona " + p.persona() + ", entitlement " + p.entitlement()
                    + " grant #" + p.grantIndex() + ")";
            case Authorization.Deny d -> "DENY " + d.why().key();
            case Authorization.StepUp s -> "STEP-UP insufficient_scope: needs one of " + s.scopes();
            case Authorization.Throttled t -> "THROTTLED " + t.limit() + " retry after " + t.retryAfter().toSeconds() + " s";
        }).append('\n');
        sb.append("policyVersion ").append(decision.policyVersion()).append('\n');
        for (String step : steps) {
            sb.append("  - ").append(step).append('\n');
        }
        for (GrantMatch g : grants) {
            sb.append("  grant ").append(g.entitlement()).append('#').append(g.grantIndex()).append(" via ")
                    .append(g.via()).append(" matches by ").append(g.matchedBy());
            g.requireScope().ifPresent(s -> sb.append(", requires scope ").append(s));
            sb.append('\n');
        }
        return sb.toString();
    }
}
