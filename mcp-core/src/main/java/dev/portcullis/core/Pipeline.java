package dev.portcullis.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Runs {@link Stage stages} in the order they were added and returns one {@link Outcome}.
 *
 * <p>Contract, in the order it is applied:
 * <ol>
 *     <li>Stages run strictly in registration order; nothing reorders them.</li>
 *     <li>The first {@link Verdict.Deny} ends the chain; later stages do not run.</li>
 *     <li>A {@link Verdict.Redact} is handed to the redaction applier (so later stages and the upstream
 *     see the redacted payload) and the chain continues; the findings of every redaction are kept.
 *     If no applier was configured, the redaction cannot be honoured and the exchange is denied.</li>
 *     <li>A stage that throws, or returns {@code null}, denies with {@link ReasonCode#INTERNAL}
 *     (fail closed) unless it was registered with {@link Builder#failOpenStage}; a fail-open stage that
 *     fails is recorded as {@link StageRecord.Kind#FAILED_OPEN}, never as a plain allow.</li>
 * </ol>
 *
 * <p>Instances are immutable and thread-safe if their stages are.
 *
 * @param <T> the exchange type
 */
public final class Pipeline<T> {
    private static final System.Logger LOGGER = System.getLogger(Pipeline.class.getName());

    private final List<Entry<T>> entries;
    private final BiConsumer<T, Verdict.Redact> redactionApplier;

    private Pipeline(Builder<T> builder) {
        this.entries = List.copyOf(builder.entries);
        this.redactionApplier = builder.redactionApplier;
    }

    /**
     * @param <T> exchange type
     * @return a new builder
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * The names of the stages, in the order they run.
     *
     * @return stage names
     */
    public List<String> stageNames() {
        return entries.stream().map(Entry::name).toList();
    }

    /**
     * Runs the stages on the exchange.
     *
     * @param exchange the exchange to decide
     * @return the outcome; never {@code null}, never throws for a stage failure
     */
    public Outcome run(T exchange) {
        Objects.requireNonNull(exchange, "exchange");
        List<StageRecord> trace = new ArrayList<>(entries.size());
        List<Finding> findings = new ArrayList<>();
        Verdict.Redact lastRedaction = null;
        for (Entry<T> entry : entries) {
            long start = System.nanoTime();
            Verdict verdict;
            StageRecord.Kind kind = StageRecord.Kind.DECIDED;
            try {
                verdict = entry.stage().evaluate(exchange);
                if (verdict == null) {
                    throw new IllegalStateException("stage " + entry.name() + " returned no verdict");
                }
            } catch (Exception | LinkageError | StackOverflowError e) {
                if (entry.failOpen()) {
                    LOGGER.log(Level.WARNING, "Stage " + entry.name() + " failed and is configured fail-open: "
                            + e.getClass().getName());
                    verdict = Verdict.allow();
                    kind = StageRecord.Kind.FAILED_OPEN;
                } else {
                    LOGGER.log(Level.ERROR, "Stage " + entry.name() + " failed; denying (fail closed)", e);
                    verdict = Verdict.deny(ReasonCode.INTERNAL, "The request could not be evaluated.");
                    kind = StageRecord.Kind.FAILED_CLOSED;
                }
            }
            if (verdict instanceof Verdict.Redact redact && redactionApplier == null) {
                LOGGER.log(Level.ERROR, "Stage " + entry.name() + " redacted but the pipeline has no redaction applier");
                verdict = Verdict.deny(ReasonCode.INTERNAL, "The request could not be evaluated.");
                kind = StageRecord.Kind.FAILED_CLOSED;
            }
            long elapsed = System.nanoTime() - start;
            trace.add(new StageRecord(entry.name(), verdict, kind, elapsed));
            switch (verdict) {
                case Verdict.Allow allow -> {
                }
                case Verdict.Redact redact -> {
                    try {
                        redactionApplier.accept(exchange, redact);
                    } catch (RuntimeException e) {
                        LOGGER.log(Level.ERROR, "Applying a redaction from " + entry.name() + " failed; denying", e);
                        Verdict.Deny deny = Verdict.deny(ReasonCode.INTERNAL, "The request could not be evaluated.");
                        trace.set(trace.size() - 1, new StageRecord(entry.name(), deny,
                                StageRecord.Kind.FAILED_CLOSED, elapsed));
                        return new Outcome(deny, entry.name(), trace, findings);
                    }
                    findings.addAll(redact.findings());
                    lastRedaction = redact;
                }
                case Verdict.Deny deny -> {
                    return new Outcome(deny, entry.name(), trace, findings);
                }
            }
        }
        Verdict result = lastRedaction == null
                ? Verdict.allow()
                : new Verdict.Redact(lastRedaction.replacement(), findings);
        return new Outcome(result, null, trace, findings);
    }

    private record Entry<T>(String name, Stage<T> stage, boolean failOpen) {
    }

    /**
     * What a pipeline run decided.
     *
     * @param verdict   the final verdict: the deny that ended the chain, else a redact carrying every
     *                  finding, else allow
     * @param decidedBy name of the stage that denied, or {@code null} when nothing denied
     * @param trace     one record per stage that ran, in order
     * @param findings  the findings of every redaction, in order
     */
    public record Outcome(Verdict verdict, String decidedBy, List<StageRecord> trace, List<Finding> findings) {
        /** Copies the lists. */
        public Outcome {
            Objects.requireNonNull(verdict, "verdict");
            trace = List.copyOf(trace);
            findings = List.copyOf(findings);
        }

        /**
         * @return whether the request may go on (allowed or redacted)
         */
        public boolean proceeds() {
            return !(verdict instanceof Verdict.Deny);
        }
    }

    /**
     * One stage's part in a run.
     *
     * @param stage   stage name
     * @param verdict what the stage returned (or the deny it was turned into)
     * @param kind    whether the stage decided normally or failed
     * @param nanos   time spent in the stage
     */
    public record StageRecord(String stage, Verdict verdict, Kind kind, long nanos) {
        /** How a stage reached its verdict. */
        public enum Kind {
            /** The stage returned a verdict. */
            DECIDED,
            /** The stage failed and the request was denied. */
            FAILED_CLOSED,
            /** The stage failed and, as explicitly configured, the request went on. Audited as such. */
            FAILED_OPEN
        }
    }

    /**
     * Builds a pipeline. Stage names must be unique.
     *
     * @param <T> exchange type
     */
    public static final class Builder<T> {
        private final List<Entry<T>> entries = new ArrayList<>();
        private BiConsumer<T, Verdict.Redact> redactionApplier;

        private Builder() {
        }

        /**
         * Adds a fail-closed stage: if it throws, the request is denied.
         *
         * @param name  unique stage name (used in traces, audit records and metrics)
         * @param stage the stage
         * @return this builder
         */
        public Builder<T> stage(String name, Stage<T> stage) {
            return add(name, stage, false);
        }

        /**
         * Adds a stage that lets the request through if it fails. Use only where availability outweighs
         * the check; each such failure is recorded as {@link StageRecord.Kind#FAILED_OPEN}.
         *
         * @param name  unique stage name
         * @param stage the stage
         * @return this builder
         */
        public Builder<T> failOpenStage(String name, Stage<T> stage) {
            return add(name, stage, true);
        }

        /**
         * How a {@link Verdict.Redact} replaces the payload of the exchange. Without one, any
         * redaction denies the exchange.
         *
         * @param applier applies the replacement to the exchange
         * @return this builder
         */
        public Builder<T> redactionApplier(BiConsumer<T, Verdict.Redact> applier) {
            this.redactionApplier = Objects.requireNonNull(applier, "applier");
            return this;
        }

        /**
         * @return the pipeline
         */
        public Pipeline<T> build() {
            return new Pipeline<>(this);
        }

        private Builder<T> add(String name, Stage<T> stage, boolean failOpen) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stage, "stage");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: blank (expected: a stage name)");
            }
            if (entries.stream().anyMatch(e -> e.name().equals(name))) {
                throw new IllegalArgumentException("name: " + name + " (expected: unique, already registered)");
            }
            entries.add(new Entry<>(name, stage, failOpen));
            return this;
        }
    }
}
