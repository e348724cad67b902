package dev.portcullis.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;

/**
 * RFC 7662 introspection of opaque tokens with the gateway's client credentials. Answers are cached by
 * the token's SHA-256 (never the token itself) for the configured TTL, and never beyond the token's
 * {@code exp}; inactive answers are cached too, so replaying a dead token does not reach the IdP.
 */
final class Introspector {
    private static final int MAX_ENTRIES = 10_000;

    private final AuthConfig.Introspection config;
    private final String issuer;
    private final Clock clock;
    private final int timeoutMillis;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(Map<String, Object> claims, Instant until) {
    }

    Introspector(String issuer, AuthConfig.Introspection config, Clock clock, Duration timeout) {
        this.issuer = issuer;
        this.config = config;
        this.clock = clock;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    String issuer() {
        return issuer;
    }

    /**
     * @param token  the opaque token
     * @param digest the token's {@link #sha256(String)}, the cache key (the caller derives the token id from
     *               it too, so it is computed once per request)
     * @return the active token's claims
     * @throws Reject {@link AuthFailure#INACTIVE} or {@link AuthFailure#IDP_UNAVAILABLE}
     */
    Map<String, Object> introspect(String token, String digest) throws Reject {
        Instant now = clock.instant();
        Entry cached = cache.get(digest);
        if (cached != null && now.isBefore(cached.until())) {
            if (cached.claims() == null) {
                throw new Reject(AuthFailure.INACTIVE, "cached inactive answer");
            }
            return cached.claims();
        }
        TokenIntrospectionResponse response;
        try {
            HTTPRequest request = new TokenIntrospectionRequest(config.endpoint(),
                    new ClientSecretBasic(new ClientID(config.clientId()), new Secret(config.clientSecret().reveal())),
                    new BearerAccessToken(token)).toHTTPRequest();
            request.setConnectTimeout(timeoutMillis);
            request.setReadTimeout(timeoutMillis);
            HTTPResponse http = request.send();
            response = TokenIntrospectionResponse.parse(http);
        } catch (IOException | ParseException | RuntimeException e) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, "introspection at " + config.endpoint() + " failed: "
                    + e.getClass().getSimpleName());
        }
        if (!response.indicatesSuccess()) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, "introspection at " + config.endpoint() + " refused: "
                    + response.toErrorResponse().getErrorObject().getCode());
        }
        TokenIntrospectionSuccessResponse success = response.toSuccessResponse();
        Instant until = now.plus(config.cacheTtl());
        if (!success.isActive()) {
            remember(digest, new Entry(null, until));
            throw new Reject(AuthFailure.INACTIVE, "introspection: not active");
        }
        Map<String, Object> claims = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(success.toJSONObject()));
        if (success.getExpirationTime() != null && success.getExpirationTime().toInstant().isBefore(until)) {
            until = success.getExpirationTime().toInstant();
        }
        remember(digest, new Entry(claims, until));
        return claims;
    }

    private void remember(String key, Entry entry) {
        if (cache.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            cache.values().removeIf(e -> !now.isBefore(e.until()));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(key, entry);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
