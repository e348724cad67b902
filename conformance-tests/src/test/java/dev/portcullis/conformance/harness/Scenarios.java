package dev.portcullis.conformance.harness;

import java.util.List;

/** The scenario sets the official conformance suites score, per protocol era. */
public final class Scenarios {
    /** The active server suite of 0.1.16 (protocols 2025-06-18 / 2025-11-25). */
    public static final List<String> SESSION_ERA = List.of(
            "server-initialize", "logging-set-level", "ping", "completion-complete", "tools-list",
            "tools-call-simple-text", "tools-call-image", "tools-call-audio", "tools-call-embedded-resource",
            "tools-call-mixed-content", "tools-call-with-logging", "tools-call-error", "tools-call-with-progress",
            "tools-call-sampling", "tools-call-elicitation", "elicitation-sep1034-defaults",
            "server-sse-multiple-streams", "elicitation-sep1330-enums", "resources-list", "resources-read-text",
            "resources-read-binary", "resources-templates-read", "resources-subscribe", "resources-unsubscribe",
            "prompts-list", "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource",
            "prompts-get-with-image", "dns-rebinding-protection");

    /** The server scenarios {@code requirements/2026-07-28.yaml} of 0.2.0-alpha.12 scores. */
    public static final List<String> STATELESS_ERA = List.of(
            "server-stateless", "completion-complete", "tools-list", "tools-call-simple-text", "tools-call-image",
            "tools-call-audio", "tools-call-embedded-resource", "tools-call-mixed-content", "tools-call-error",
            "tools-call-with-progress", "server-sse-multiple-streams", "resources-list", "resources-read-text",
            "resources-read-binary", "resources-templates-read", "sep-2164-resource-not-found", "prompts-list",
            "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource", "prompts-get-with-image",
            "dns-rebinding-protection", "caching", "input-required-result-basic-elicitation",
            "input-required-result-basic-sampling", "input-required-result-basic-list-roots",
            "input-required-result-request-state", "input-required-result-multiple-input-requests",
            "input-required-result-multi-round", "input-required-result-missing-input-response",
            "input-required-result-non-tool-request", "input-required-result-result-type",
            "input-required-result-unsupported-methods", "input-required-result-tampered-state",
            "input-required-result-capability-check", "input-required-result-ignore-extra-params",
            "input-required-result-validate-input");

    private Scenarios() {
    }
}
