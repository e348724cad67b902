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
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;

/**
 * An issuer's JWKS, found through OIDC discovery or RFC 8414 metadata, cached for a TTL and fetched
 * again early when a token names an unknown {@code kid} — but never more often than the minimum
 * refetch interval, so forged {@code kid}s cannot make the gateway hammer the IdP. While the IdP is
 * unreachable, keys already fetched are used until twice the TTL has passed; then requests fail closed.
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

    private volatile URI jwksUri;
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt = Instant.MIN;

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    RemoteJwks(String issuer, Optional<URI> discoveryUrl, Optional<URI> jwksUri, HttpJson http, Clock clock,
               Duration ttl, Duration minRefetch) {
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
        if (s != null && !refresh && now.isBefore(s.fetchedAt().plus(ttl))) {
            return s.keys();
        }
        lock.lock();
        try {
            s = snapshot;
            now = clock.instant();
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
