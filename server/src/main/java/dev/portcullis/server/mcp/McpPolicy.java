package dev.portcullis.server.mcp;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The authorisation hook of the MCP endpoint: which upstream items the caller of the current request
 * may see in lists, and whether they may use one now. Implementations read the caller from the request
 * context passed in; the endpoint asks once per list item and once per invocation, before anything is relayed.
 */
public interface McpPolicy {
    /** Everything visible and allowed: the endpoint without an authorisation stage (dev mode only). */
    McpPolicy OPEN = new McpPolicy() {
        @Override
        public boolean visible(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item) {
            return true;
        }

        @Override
        public Admission admit(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item) {
            return Admission.ALLOWED;
        }
    };

    /**
     * Whether the caller of the current request sees an item in a list.
     *
     * @param context  the request's context (where authentication registered the caller)
     * @param kind     {@code tool}, {@code prompt}, {@code resource} or {@code template}
     * @param upstream the upstream's name
     * @param item     the item as the upstream listed it (unprefixed name)
     * @return whether to show it
     */
    boolean visible(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item);

    /**
     * Whether the caller of the current request may use an item now (takes rate-limit permits).
     *
     * @param context  the request's context (where authentication registered the caller)
     * @param kind     {@code tool}, {@code prompt} or {@code resource}
     * @param upstream the upstream's name
     * @param item     the item as the upstream listed it, or {@code {"uri": ...}} / {@code {"name": ...}}
     * @return the admission
     */
    Admission admit(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item);

    /** The answer at invocation. The endpoint maps each case to its error; handle exhaustively. */
    sealed interface Admission {
        /** Shared allowed answer. */
        Allowed ALLOWED = new Allowed();

        /** Go on. */
        record Allowed() implements Admission {
        }

        /** Refused; answered exactly like an item that does not exist, so nothing hidden leaks. */
        record Hidden() implements Admission {
        }

        /**
         * The token lacks a scope (HTTP 403 {@code insufficient_scope} with the scopes).
         *
         * @param scopes scopes any one of which would allow the call
         */
        record StepUp(Set<String> scopes) implements Admission {
            /** Copies. */
            public StepUp {
                scopes = Set.copyOf(scopes);
            }
        }

        /**
         * Over a rate limit.
         *
         * @param retryAfter when to retry
         */
        record Throttled(Duration retryAfter) implements Admission {
            /** Rejects nulls. */
            public Throttled {
                Objects.requireNonNull(retryAfter, "retryAfter");
            }
        }
    }
}
