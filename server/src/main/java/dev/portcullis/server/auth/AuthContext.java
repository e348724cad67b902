package dev.portcullis.server.auth;

import java.util.Optional;

import dev.portcullis.core.Caller;
import io.helidon.common.context.Context;
import io.helidon.webserver.http.ServerRequest;

/**
 * Where handlers find the verified caller of the request they serve.
 */
public final class AuthContext {
    /** Request-context classifier under which the authentication filter registers the {@link Caller}. */
    static final String CALLER = "portcullis.caller";

    private AuthContext() {
    }

    /**
     * The verified caller of a request on a protected route.
     *
     * @param request the request
     * @return the caller; empty on open routes (and on protected routes never, since they are refused first)
     */
    public static Optional<Caller> caller(ServerRequest request) {
        return caller(request.context());
    }

    /**
     * @param context a request context
     * @return the caller registered in it, if any
     */
    public static Optional<Caller> caller(Context context) {
        return context.get(CALLER, Caller.class);
    }
}
