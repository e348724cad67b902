package dev.portcullis.server.auth;

import java.util.Objects;

import dev.portcullis.core.Caller;
import dev.portcullis.core.Verdict;

/**
 * What the {@link Authenticator} decided about a request. Handle with an exhaustive {@code switch}.
 */
public sealed interface AuthOutcome {

    /**
     * The token was verified. Only the authenticator creates instances, so holding one means the
     * caller stands for a verified token.
     */
    final class Authenticated implements AuthOutcome {
        private final Caller caller;

        Authenticated(Caller caller) {
            this.caller = Objects.requireNonNull(caller, "caller");
        }

        /**
         * @return the verified caller
         */
        public Caller caller() {
            return caller;
        }

        @Override
        public String toString() {
            return "Authenticated[" + caller.user().id() + " via " + caller.agent().clientId() + "]";
        }
    }

    /**
     * The request was refused.
     *
     * @param verdict the deny verdict (public message carries no detail about why the token failed)
     * @param failure the precise reason, for logs and audit only
     */
    record Rejected(Verdict.Deny verdict, AuthFailure failure) implements AuthOutcome {
        /** Rejects nulls. */
        public Rejected {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
