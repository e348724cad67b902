package dev.portcullis.core;

/**
 * One step of the decision pipeline: looks at an exchange and returns a verdict.
 *
 * <p>A stage reports expected outcomes (deny, redact) as values. Throwing is reserved for bugs and
 * unavailable dependencies; the {@link Pipeline} turns a throw into {@link ReasonCode#INTERNAL} (fail
 * closed) unless the stage was explicitly registered as fail-open.
 *
 * @param <T> the exchange type the stage inspects
 */
@FunctionalInterface
public interface Stage<T> {

    /**
     * Decides on the exchange.
     *
     * @param exchange the request being decided, never {@code null}
     * @return the verdict, never {@code null}
     * @throws Exception when the stage cannot decide; the pipeline then denies (fail closed)
     */
    Verdict evaluate(T exchange) throws Exception;
}
