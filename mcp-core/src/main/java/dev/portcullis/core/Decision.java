package dev.portcullis.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision, as the audit ledger records it.
 *
 * @param at            when the decision was made
 * @param requestId     the gateway's request id (also in logs and the {@code X-Request-Id} header)
 * @param caller        who asked; empty when the request was refused before authentication
 * @param action        what was attempted, e.g. {@code tools/call} or {@code POST /v1/chat/completions}
 * @param target        what it was attempted on, e.g. {@code billing__create_invoice}
 * @param verdict       the final verdict
 * @param decidedBy     the stage that denied, or empty
 * @param policyVersion content hash of the policy bundle in force
 * @param findings      DLP findings (type, location, keyed hash; never raw values)
 * @param upstream      the upstream the request was routed to, if any
 * @param timings       time spent per stage, in pipeline order
 */
public record Decision(Instant at, String requestId, Optional<Caller> caller, String action, String target,
                       Verdict verdict, Optional<String> decidedBy, String policyVersion, List<Finding> findings,
                       Optional<String> upstream, Map<String, Duration> timings) {
    /** Copies collections and rejects nulls. */
    public Decision {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(policyVersion, "policyVersion");
        findings = List.copyOf(findings);
        Objects.requireNonNull(upstream, "upstream");
        timings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    }

    /**
     * Builds the decision for a pipeline outcome.
     *
     * @param at            decision time
     * @param requestId     request id
     * @param caller        caller, if authenticated
     * @param action        action
     * @param target        target
     * @param outcome       the pipeline outcome
     * @param policyVersion policy version in force
     * @param upstream      upstream, if routed
     * @return the decision
     */
    public static Decision of(Instant at, String requestId, Optional<Caller> caller, String action, String target,
                              Pipeline.Outcome outcome, String policyVersion, Optional<String> upstream) {
        Map<String, Duration> timings = new LinkedHashMap<>();
        for (Pipeline.StageRecord record : outcome.trace()) {
            timings.put(record.stage(), Duration.ofNanos(record.nanos()));
        }
        return new Decision(at, requestId, caller, action, target, outcome.verdict(),
                Optional.ofNullable(outcome.decidedBy()), policyVersion, outcome.findings(), upstream, timings);
    }
}
