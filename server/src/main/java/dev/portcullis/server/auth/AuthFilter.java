package dev.portcullis.server.auth;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;
import dev.portcullis.server.http.Problems;
import dev.portcullis.server.http.RequestFilter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The guard and authenticate stages for HTTP: runs after the request filter (request id, span) and
 * before any route. Order: client address (trusted proxies) and route CIDR rules first, because they
 * need no secrets and stop scans cheaply; then, on protected paths only, the bearer token.
 */
final class AuthFilter implements Filter {
    private static final System.Logger LOGGER = System.getLogger(AuthFilter.class.getName());
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");

    private final NetworkGuard guard;
    private final List<String> protect;
    private final Supplier<AuthFeature.State> state;

    AuthFilter(NetworkGuard guard, List<String> protect, Supplier<AuthFeature.State> state) {
        this.guard = guard;
        this.protect = List.copyOf(protect);
        this.state = state;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        InetAddress peer = peer(req.remotePeer().address());
        Optional<InetAddress> client = guard.clientAddress(peer, req.headers().all(X_FORWARDED_FOR, List::of));
        if (!guard.allowed(path, client)) {
            LOGGER.log(Level.INFO, "Request to " + Claims.loggable(path) + " refused: " + AuthFailure.CLIENT_IP_DENIED
                    + " (client " + client.map(InetAddress::getHostAddress).orElse("unparseable X-Forwarded-For") + ")");
            refuse(req, res, Authenticator.rejected(AuthFailure.CLIENT_IP_DENIED), path, null);
            return;
        }
        if (!isProtected(path)) {
            chain.proceed();
            return;
        }
        AuthFeature.State s = state.get();
        if (s == null) {
            refuse(req, res, Authenticator.rejected(AuthFailure.NOT_READY), path, null);
            return;
        }
        if (s.disabled()) {
            req.context().register(AuthContext.CALLER, s.anonymous(client.orElse(peer)));
            chain.proceed();
            return;
        }
        AuthOutcome outcome = s.authenticator().authenticate(new Authenticator.Request(
                req.headers().all(HeaderNames.AUTHORIZATION, List::of),
                req.query().contains("access_token"),
                path,
                client.orElse(peer)));
        switch (outcome) {
            case AuthOutcome.Authenticated a -> {
                Caller caller = a.caller();
                req.context().register(AuthContext.CALLER, caller);
                chain.proceed();
            }
            case AuthOutcome.Rejected r -> refuse(req, res, r, path, s.resourceServer());
        }
    }

    boolean isProtected(String path) {
        for (String open : AuthConfig.ALWAYS_OPEN) {
            if (path.equals(open) || path.startsWith(open + "/")) {
                return false;
            }
        }
        return protect.stream().anyMatch(p -> NetworkGuard.matches(p, path));
    }

    private static void refuse(RoutingRequest req, RoutingResponse res, AuthOutcome.Rejected rejected, String path,
                               ResourceServer resourceServer) {
        ReasonCode code = rejected.verdict().code();
        Map<String, String> headers = new java.util.HashMap<>();
        if (resourceServer != null) {
            resourceServer.challenge(rejected.failure(), path).ifPresent(c -> headers.put("WWW-Authenticate", c));
        }
        if (code == ReasonCode.IDP_UNAVAILABLE || rejected.failure() == AuthFailure.NOT_READY) {
            headers.put("Retry-After", "5");
        }
        String requestId = req.context().get(RequestFilter.CONTEXT_REQUEST_ID, String.class).orElse(null);
        Problems.send(res, code, rejected.verdict().publicMessage(), requestId, headers);
    }

    private static InetAddress peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        // not a TCP peer: an address no allow rule contains (fail closed)
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
