package dev.portcullis.core;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineTest {

    /** A mutable exchange for tests: records which stages saw it and holds a payload. */
    static final class Exchange {
        final List<String> seenBy = new ArrayList<>();
        Object payload = "original";
    }

    static Stage<Exchange> allowing(String name) {
        return ex -> {
            ex.seenBy.add(name);
            return Verdict.allow();
        };
    }

    @Nested
    class Ordering {
        @Test
        void runsStagesInRegistrationOrder() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("guard", allowing("guard"))
                    .stage("authenticate", allowing("authenticate"))
                    .stage("authorize", allowing("authorize"))
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(ex.seenBy).containsExactly("guard", "authenticate", "authorize");
            assertThat(outcome.verdict()).isEqualTo(Verdict.allow());
            assertThat(outcome.decidedBy()).isNull();
            assertThat(outcome.trace()).extracting(Pipeline.StageRecord::stage)
                    .containsExactly("guard", "authenticate", "authorize");
            assertThat(pipeline.stageNames()).containsExactly("guard", "authenticate", "authorize");
        }

        @Test
        void stopsAtFirstDenyAndSkipsLaterStages() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("guard", allowing("guard"))
                    .stage("authenticate", ex -> {
                        ex.seenBy.add("authenticate");
                        return Verdict.deny(ReasonCode.UNAUTHENTICATED, "no token");
                    })
                    .stage("authorize", allowing("authorize"))
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(ex.seenBy).containsExactly("guard", "authenticate");
            assertThat(outcome.verdict()).isEqualTo(new Verdict.Deny(ReasonCode.UNAUTHENTICATED, "no token"));
            assertThat(outcome.decidedBy()).isEqualTo("authenticate");
            assertThat(outcome.proceeds()).isFalse();
            assertThat(outcome.trace()).hasSize(2);
        }

        @Test
        void emptyPipelineAllows() {
            assertThat(Pipeline.<Exchange>builder().build().run(new Exchange()).verdict()).isEqualTo(Verdict.allow());
        }

        @Test
        void rejectsDuplicateStageNames() {
            Pipeline.Builder<Exchange> builder = Pipeline.<Exchange>builder().stage("guard", allowing("guard"));

            assertThatThrownBy(() -> builder.stage("guard", allowing("other")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guard");
        }
    }

    @Nested
    class Redaction {
        @Test
        void appliesRedactionAndLetsLaterStagesSeeIt() {
            Finding card = new Finding("pci.card-number", "/arguments/card", "ab12");
            List<Object> seenByRoute = new ArrayList<>();
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("inspect", ex -> new Verdict.Redact("redacted", List.of(card)))
                    .stage("route", ex -> {
                        seenByRoute.add(ex.payload);
                        return Verdict.allow();
                    })
                    .redactionApplier((ex, redact) -> ex.payload = redact.replacement())
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(seenByRoute).containsExactly("redacted");
            assertThat(outcome.verdict()).isEqualTo(new Verdict.Redact("redacted", List.of(card)));
            assertThat(outcome.findings()).containsExactly(card);
            assertThat(outcome.proceeds()).isTrue();
        }

        @Test
        void keepsFindingsOfEveryRedaction() {
            Finding first = new Finding("pii.email", "/a", "01");
            Finding second = new Finding("secret.aws-key", "/b", "02");
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("inspect-in", ex -> new Verdict.Redact("one", List.of(first)))
                    .stage("inspect-out", ex -> new Verdict.Redact("two", List.of(second)))
                    .redactionApplier((ex, redact) -> ex.payload = redact.replacement())
                    .build();

            Pipeline.Outcome outcome = pipeline.run(new Exchange());

            assertThat(outcome.verdict()).isEqualTo(new Verdict.Redact("two", List.of(first, second)));
        }

        @Test
        void deniesRedactionWhenNoApplierIsConfigured() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("inspect", ex -> new Verdict.Redact("x", List.of()))
                    .stage("route", allowing("route"))
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(outcome.verdict()).isInstanceOfSatisfying(Verdict.Deny.class,
                    deny -> assertThat(deny.code()).isEqualTo(ReasonCode.INTERNAL));
            assertThat(ex.seenBy).isEmpty();
        }

        @Test
        void deniesWhenApplyingRedactionFails() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("inspect", ex -> new Verdict.Redact("x", List.of()))
                    .redactionApplier((ex, redact) -> {
                        throw new IllegalStateException("cannot apply");
                    })
                    .build();

            Pipeline.Outcome outcome = pipeline.run(new Exchange());

            assertThat(outcome.verdict()).isInstanceOfSatisfying(Verdict.Deny.class,
                    deny -> assertThat(deny.code()).isEqualTo(ReasonCode.INTERNAL));
            assertThat(outcome.trace().getFirst().kind()).isEqualTo(Pipeline.StageRecord.Kind.FAILED_CLOSED);
        }
    }

    @Nested
    class Failures {
        @Test
        void failsClosedWhenStageThrows() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("inspect", ex -> {
                        throw new IllegalStateException("detector crashed with secret=hunter2");
                    })
                    .stage("route", allowing("route"))
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(ex.seenBy).isEmpty();
            assertThat(outcome.decidedBy()).isEqualTo("inspect");
            assertThat(outcome.verdict()).isInstanceOfSatisfying(Verdict.Deny.class, deny -> {
                assertThat(deny.code()).isEqualTo(ReasonCode.INTERNAL);
                assertThat(deny.publicMessage()).doesNotContain("hunter2");
            });
            assertThat(outcome.trace().getFirst().kind()).isEqualTo(Pipeline.StageRecord.Kind.FAILED_CLOSED);
        }

        @Test
        void failsClosedWhenStageReturnsNull() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder().stage("broken", ex -> null).build();

            assertThat(pipeline.run(new Exchange()).verdict()).isInstanceOf(Verdict.Deny.class);
        }

        @Test
        void failsClosedOnStackOverflow() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .stage("deep", ex -> {
                        throw new StackOverflowError();
                    })
                    .build();

            assertThat(pipeline.run(new Exchange()).verdict()).isInstanceOf(Verdict.Deny.class);
        }

        @Test
        void failOpenStageContinuesButIsRecordedAsFailedOpen() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .failOpenStage("alert-only", ex -> {
                        throw new IllegalStateException("down");
                    })
                    .stage("route", allowing("route"))
                    .build();
            Exchange ex = new Exchange();

            Pipeline.Outcome outcome = pipeline.run(ex);

            assertThat(ex.seenBy).containsExactly("route");
            assertThat(outcome.proceeds()).isTrue();
            assertThat(outcome.trace().getFirst().kind()).isEqualTo(Pipeline.StageRecord.Kind.FAILED_OPEN);
        }

        @Test
        void failOpenStageThatDeniesStillDenies() {
            Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                    .failOpenStage("rate-limit", ex -> Verdict.deny(ReasonCode.RATE_LIMITED, "slow down"))
                    .build();

            assertThat(pipeline.run(new Exchange()).verdict())
                    .isEqualTo(new Verdict.Deny(ReasonCode.RATE_LIMITED, "slow down"));
        }
    }

    @Test
    void decisionCarriesTimingsInPipelineOrder() {
        Pipeline<Exchange> pipeline = Pipeline.<Exchange>builder()
                .stage("guard", allowing("guard"))
                .stage("authorize", ex -> Verdict.deny(ReasonCode.FORBIDDEN, "no"))
                .build();
        Pipeline.Outcome outcome = pipeline.run(new Exchange());

        Decision decision = Decision.of(java.time.Instant.EPOCH, "req-1", java.util.Optional.empty(),
                "tools/call", "billing__pay", outcome, "sha256:abc", java.util.Optional.empty());

        assertThat(decision.timings().keySet()).containsExactly("guard", "authorize");
        assertThat(decision.decidedBy()).contains("authorize");
        assertThat(decision.verdict()).isEqualTo(new Verdict.Deny(ReasonCode.FORBIDDEN, "no"));
    }

    @Test
    void reasonCodesAreUniqueAndKebabCase() {
        assertThat(java.util.Arrays.stream(ReasonCode.values()).map(ReasonCode::code))
                .doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z]+(-[a-z]+)*"));
    }
}
