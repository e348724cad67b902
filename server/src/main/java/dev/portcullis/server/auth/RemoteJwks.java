package dev.portcullis.server.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;

/**
 * An issuer's JWKS, found through OIDC discovery or RFC 8414 metadata, cached for a TTL and fetched
 * again early when a token names an unknown {@code kid} — but never more often than the minimum
 * refetch interval, so forged {@code kid}s cannot make the gateway hammer the IdP. Once the TTL has passed, the
 * keys are fetched again in the background while requests go on with the keys they have: no request waits for
 * the IdP unless there are no usable keys or its token names a {@code kid} the gateway does not know. While the
 * IdP is unreachable, keys already fetched are used until twice the TTL has passed; then requests fail closed.
 */
final class RemoteJwks implements KeySource {
    private static final System.Logger LOGGER = System.getLogger(RemoteJwks.class.getName());

    private final String issuer;
    private final Optional<URI> discoveryUrl;
    private final HttpJson http;
    private final Clock clock;
    private final Duration ttl;
    private final Duration minRefetch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Executor refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** Runs each background refresh on a virtual thread of its own. */
    static final Executor BACKGROUND = task -> Thread.ofVirtual().name("portcullis-jwks-refresh").start(task);

    private volatile URI jwksUri;
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt = Instant.MIN;

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    RemoteJwks(String issuer, Optional<URI> discoveryUrl, Optional<URI> jwksUri, HttpJson http, Clock clock,
               Duration ttl, Duration minRefetch) {
        this(issuer, discoveryUrl, jwksUri, http, clock, ttl, minRefetch, BACKGROUND);
    }

    /**
     * @param refresher runs the fetches made once the TTL has passed, while requests use the keys they have
     */
    RemoteJwks(String issuer, Optional<URI> discoveryUrl, Optional<URI> jwksUri, HttpJson http, Clock clock,
               Duration ttl, Duration minRefetch, Executor refresher) {
        this.refresher = refresher;
        this.issuer = issuer;
        this.discoveryUrl = discoveryUrl;
        this.jwksUri = jwksUri.orElse(null);
        this.http = http;
        this.clock = clock;
        this.ttl = ttl;
        this.minRefetch = minRefetch;
    }

    @Override
    public JWKSet keys(boolean refresh) throws KeysUnavailableException {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s != null && !refresh) {
            if (now.isBefore(s.fetchedAt().plus(ttl))) {
                return s.keys();
            }
            if (now.isBefore(s.fetchedAt().plus(ttl.multipliedBy(2)))) {
                // expired but still usable: fetched again behind the requests' backs, so that a slow IdP does not
                // hold every request of the gateway for as long as the fetch takes
                refreshInBackground();
                return snapshot.keys();
            }
        }
        return fetchOrFallBack(refresh);
    }

    private void refreshInBackground() {
        if (clock.instant().isBefore(lastAttempt.plus(minRefetch)) || !refreshing.compareAndSet(false, true)) {
            return; // tried lately (the IdP is failing), or already under way: one refresh at a time
        }
        try {
            refresher.execute(() -> {
                try {
                    fetchOrFallBack(false);
                } catch (KeysUnavailableException e) {
                    // logged by the fetch; requests fail closed once the keys are no longer usable
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) { // rejected: the next request past the TTL tries again
            refreshing.set(false);
        }
    }

    /** Fetches under the lock (unless fresh keys arrived meanwhile, or the refetch interval forbids it). */
    private JWKSet fetchOrFallBack(boolean refresh) throws KeysUnavailableException {
        lock.lock();
        try {
            Snapshot s = snapshot;
            Instant now = clock.instant();
            boolean fresh = s != null && now.isBefore(s.fetchedAt().plus(ttl));
            if (fresh && !refresh) {
                return s.keys();
            }
            if (now.isBefore(lastAttempt.plus(minRefetch))) {
                // rate limited: answer with what we have
                return usable(s, now);
            }
            lastAttempt = now;
            try {
                JWKSet keys = fetch();
                snapshot = new Snapshot(keys, now);
                LOGGER.log(Level.DEBUG, () -> "Fetched " + keys.getKeys().size() + " key(s) for issuer " + issuer);
                return keys;
            } catch (IOException | ParseException | RuntimeException e) {
                LOGGER.log(Level.WARNING, "Could not fetch the keys of issuer " + issuer + ": " + e.getMessage());
                return usable(s, now);
            }
        } finally {
            lock.unlock();
        }
    }

    private JWKSet usable(Snapshot s, Instant now) throws KeysUnavailableException {
        if (s != null && now.isBefore(s.fetchedAt().plus(ttl.multipliedBy(2)))) {
            return s.keys();
        }
        throw new KeysUnavailableException("no usable keys for issuer " + issuer);
    }

    private JWKSet fetch() throws IOException, ParseException {
        URI uri = jwksUri;
        if (uri == null) {
            uri = discover();
            jwksUri = uri;
        }
        return JWKSet.parse(http.get(uri));
    }

    private URI discover() throws IOException {
        List<URI> candidates = new ArrayList<>();
        if (discoveryUrl.isPresent()) {
            candidates.add(discoveryUrl.get());
        } else {
            candidates.addAll(discoveryCandidates(issuer));
        }
        IOException last = null;
        for (URI candidate : candidates) {
            try {
                AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(
                        JSONObjectUtils.parse(http.get(candidate)));
                // RFC 8414 section 3.3 / OIDC Discovery 4.3: the document must be for exactly this issuer
                if (!issuer.equals(metadata.getIssuer().getValue())) {
                    throw new IOException("metadata at " + candidate + " names issuer "
                            + metadata.getIssuer().getValue() + ", expected " + issuer);
                }
                if (metadata.getJWKSetURI() == null) {
                    throw new IOException("metadata at " + candidate + " has no jwks_uri");
                }
                return metadata.getJWKSetURI();
            } catch (IOException e) {
                last = e;
            } catch (com.nimbusds.oauth2.sdk.ParseException e) {
                last = new IOException("metadata at " + candidate + " is not valid: " + e.getMessage());
            }
        }
        throw last == null ? new IOException("no discovery URL") : last;
    }

    /** OIDC discovery (appended), then RFC 8414 path insertion, then OIDC path insertion. */
    static List<URI> discoveryCandidates(String issuer) {
        URI iss = URI.create(issuer);
        String path = iss.getRawPath() == null ? "" : iss.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String origin = iss.getScheme() + "://" + iss.getRawAuthority();
        return List.of(URI.create(origin + path + "/.well-known/openid-configuration"),
                URI.create(origin + "/.well-known/oauth-authorization-server" + path),
                URI.create(origin + "/.well-known/openid-configuration" + path));
    }
}
