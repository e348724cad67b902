package dev.portcullis.server.auth;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.core.Agent;
import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;
import dev.portcullis.core.Subject;
import dev.portcullis.core.Verdict;


/**
 * Turns the {@code Authorization} header of a request into a verified {@link Caller}, or a denial.
 *
 * <p>Guarantees, in the order they are checked:
 * <ol>
 *     <li>Tokens are accepted only from a single {@code Authorization: Bearer} header; a token in the
 *     query string is refused even when the header is valid. Tokens over 16 KiB are refused unparsed.</li>
 *     <li>JWTs: unsecured, encrypted, self-keyed ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) and
 *     {@code crit}-bearing tokens are refused; {@code iss} must be a configured issuer; the algorithm must
 *     be in that issuer's asymmetric allowlist; the key comes only from that issuer's JWKS.</li>
 *     <li>Opaque tokens are introspected (RFC 7662) at the one issuer configured for it, if any.</li>
 *     <li>Claims: {@code exp} required, {@code exp}/{@code nbf}/{@code iat} within the issuer's clock skew,
 *     {@code aud} names this resource (RFC 8707), {@code sub} and {@code client_id}/{@code azp} present.</li>
 *     <li>Token IP pinning (when configured and the token carries the claim), then required scopes
 *     (403 {@code insufficient_scope}).</li>
 * </ol>
 *
 * <p>Never throws for a bad token; every refusal is logged at INFO with its precise reason, without
 * the token. Thread-safe.
 */
public final class Authenticator {
    /** Tokens longer than this are refused without parsing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final System.Logger LOGGER = System.getLogger(Authenticator.class.getName());

    private final URI resource;
    private final Map<String, IssuerVerifier> issuers;
    private final Optional<Introspector> introspector;
    private final List<String> requiredScopes;
    private final Optional<String> ipClaim;
    private final Clock clock;
    /**
     * Signatures already verified, by SHA-256 of the token (never the token itself): a client that reuses
     * its token skips parsing and signature verification. Claims are still checked on every request
     * (expiry, audience for the path, scopes, IP pinning); an entry lives at most {@link #VERIFIED_TTL}
     * and never past the token's expiry, which bounds how long a key removed from the JWKS still counts.
     */
    private final Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    /** Longest time a verified signature is reused. */
    static final java.time.Duration VERIFIED_TTL = java.time.Duration.ofSeconds(60);
    private static final int VERIFIED_MAX = 10_000;

    private record Verified(Map<String, Object> claims, IssuerVerifier issuer, Instant until) {
    }

    Authenticator(URI resource, List<IssuerVerifier> issuers, Optional<Introspector> introspector,
                  List<String> requiredScopes, Optional<String> ipClaim, Clock clock) {
        this.resource = Objects.requireNonNull(resource, "resource");
        Map<String, IssuerVerifier> byIssuer = new LinkedHashMap<>();
        for (IssuerVerifier v : issuers) {
            byIssuer.put(v.issuer(), v);
        }
        this.issuers = Map.copyOf(byIssuer);
        this.introspector = introspector;
        this.requiredScopes = List.copyOf(requiredScopes);
        this.ipClaim = ipClaim;
        this.clock = clock;
        introspector.ifPresent(i -> {
            if (!this.issuers.containsKey(i.issuer())) {
                throw new IllegalArgumentException("introspection issuer " + i.issuer() + " is not a configured issuer");
            }
        });
    }

    /**
     * The request facts authentication looks at.
     *
     * @param authorization every {@code Authorization} header value (normally zero or one)
     * @param tokenInQuery  whether the query string carries {@code access_token}
     * @param path          the request path (selects a path-specific audience under the resource)
     * @param clientIp      the client address after trusted-proxy resolution
     */
    public record Request(List<String> authorization, boolean tokenInQuery, String path, InetAddress clientIp) {
        /** Copies and rejects nulls. */
        public Request {
            authorization = List.copyOf(authorization);
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(clientIp, "clientIp");
        }
    }

    /**
     * @return the canonical resource URI tokens must be addressed to
     */
    public URI resource() {
        return resource;
    }

    /**
     * @return the scopes every token must carry
     */
    public List<String> requiredScopes() {
        return requiredScopes;
    }

    /**
     * Authenticates a request.
     *
     * @param request the request facts
     * @return the verified caller, or a denial; never {@code null}
     */
    public AuthOutcome authenticate(Request request) {
        try {
            return new AuthOutcome.Authenticated(verify(request));
        } catch (Reject r) {
            LOGGER.log(r.failure() == AuthFailure.IDP_UNAVAILABLE ? Level.WARNING : Level.INFO,
                    "Request to " + Claims.loggable(request.path()) + " not authenticated: " + r.failure()
                            + (r.getMessage() == null ? "" : " (" + r.getMessage() + ")"));
            return rejected(r.failure());
        } catch (RuntimeException e) {
            LOGGER.log(Level.ERROR, "Authentication failed unexpectedly; denying (fail closed)", e);
            return rejected(AuthFailure.NOT_READY);
        }
    }

    /**
     * The b64token of an RFC 6750 {@code Bearer} credential: the scheme (case-insensitive), one or more
     * spaces, {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}, optional trailing spaces.
     * A hand-written scan: this runs on every request and a regex over a kilobyte token is measurable.
     *
     * @param header the Authorization header value
     * @return the token, or {@code null} when the value is not of that form
     */
    static String bearerToken(String header) {
        int n = header.length();
        if (n < 8 || !header.regionMatches(true, 0, "Bearer", 0, 6) || header.charAt(6) != ' ') {
            return null;
        }
        int start = 7;
        while (start < n && header.charAt(start) == ' ') {
            start++;
        }
        int i = start;
        while (i < n && isToken68Char(header.charAt(i))) {
            i++;
        }
        if (i == start) {
            return null;
        }
        while (i < n && header.charAt(i) == '=') {
            i++;
        }
        int end = i;
        while (i < n && header.charAt(i) == ' ') {
            i++;
        }
        return i == n ? header.substring(start, end) : null;
    }

    /** RFC 6750 b64token characters, as a table: a chain of range checks mispredicts on random base64 text. */
    private static final boolean[] TOKEN68 = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            TOKEN68[c] = true;
            TOKEN68[c + ('a' - 'A')] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TOKEN68[c] = true;
        }
        for (char c : "-._~+/".toCharArray()) {
            TOKEN68[c] = true;
        }
    }

    private static boolean isToken68Char(char c) {
        return c < 128 && TOKEN68[c];
    }

    /** Whether the token has the two dots of a JWS compact serialization (or more: a JWE, refused later). */
    private static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first >= 0 && token.indexOf('.', first + 1) >= 0;
    }

    static AuthOutcome.Rejected rejected(AuthFailure failure) {
        ReasonCode code = failure.reasonCode();
        String message = switch (code) {
            case UNAUTHENTICATED -> "A bearer token is required.";
            case INSUFFICIENT_SCOPE -> "The access token lacks a scope this resource requires.";
            case IDP_UNAVAILABLE -> "The identity provider cannot be reached; try again later.";
            case TOKEN_IP_MISMATCH -> "The access token may not be used from this address.";
            case CLIENT_IP_DENIED -> "Requests from this address are not allowed here.";
            case INTERNAL -> "The request could not be authenticated.";
            default -> "The access token is not valid for this resource.";
        };
        return new AuthOutcome.Rejected(Verdict.deny(code, message), failure);
    }

    private Caller verify(Request request) throws Reject {
        if (request.tokenInQuery()) {
            throw new Reject(AuthFailure.TOKEN_IN_QUERY, "access_token in the query string");
        }
        if (request.authorization().isEmpty()) {
            throw new Reject(AuthFailure.MISSING_TOKEN, null);
        }
        if (request.authorization().size() > 1) {
            throw new Reject(AuthFailure.MALFORMED_HEADER, request.authorization().size() + " Authorization headers");
        }
        String header = request.authorization().getFirst();
        if (header.length() > MAX_TOKEN_LENGTH + 16) {
            throw new Reject(AuthFailure.TOKEN_TOO_LARGE, header.length() + " characters");
        }
        String token = bearerToken(header);
        if (token == null) {
            throw new Reject(AuthFailure.MALFORMED_HEADER, "not a Bearer b64token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new Reject(AuthFailure.TOKEN_TOO_LARGE, token.length() + " characters");
        }
        Instant now = clock.instant();
        String tokenId;
        IssuerVerifier issuer;
        Map<String, Object> claims;
        // the key of both caches and the fallback token id; computed once, the token itself is never kept
        String digest = Introspector.sha256(token);
        if (looksLikeJwt(token)) {
            Verified known = verified.get(digest);
            if (known != null && now.isBefore(known.until())) {
                claims = known.claims();
                issuer = known.issuer();
            } else {
                CompactJws jws = CompactJws.parse(token);
                issuer = verifySignature(jws);
                claims = jws.claims();
                Instant until = now.plus(VERIFIED_TTL);
                Optional<Instant> exp = Claims.instant(claims.get("exp"));
                if (exp.isPresent() && exp.get().isBefore(until)) {
                    until = exp.get();
                }
                if (verified.size() >= VERIFIED_MAX) {
                    verified.clear();
                }
                verified.put(digest, new Verified(claims, issuer, until));
            }
        } else {
            if (introspector.isEmpty()) {
                throw new Reject(AuthFailure.OPAQUE_NOT_SUPPORTED, "opaque token and no introspection configured");
            }
            claims = introspector.get().introspect(token, digest);
            issuer = issuers.get(introspector.get().issuer());
            Object iss = claims.get("iss");
            if (iss != null && !issuer.issuer().equals(iss)) {
                throw new Reject(AuthFailure.UNTRUSTED_ISSUER, "introspected iss=" + Claims.loggable(iss));
            }
        }
        checkClaims(claims, issuer, request.path(), now);
        tokenId = Claims.string(claims, "jti").filter(j -> j.length() <= 256)
                .orElseGet(() -> "sha256:" + digest.substring(0, 32));
        Caller caller = caller(claims, issuer, tokenId, request.clientIp());
        checkPinning(claims, request.clientIp(), tokenId);
        for (String scope : requiredScopes) {
            if (!caller.scopes().contains(scope)) {
                throw new Reject(AuthFailure.INSUFFICIENT_SCOPE, "missing scope " + scope + " (token " + tokenId + ")");
            }
        }
        return caller;
    }

    /**
     * Selects the issuer named by the token's (unverified) {@code iss}, checks the algorithm against that
     * issuer's allowlist and verifies the signature with a key from that issuer's JWKS only.
     *
     * @return the issuer whose key verified the token
     */
    private IssuerVerifier verifySignature(CompactJws jws) throws Reject {
        Object iss = jws.claims().get("iss");
        IssuerVerifier issuer = iss instanceof String s ? issuers.get(s) : null;
        if (issuer == null) {
            throw new Reject(AuthFailure.UNTRUSTED_ISSUER, "iss=" + Claims.loggable(iss));
        }
        if (!issuer.allows(jws.algorithm())) {
            throw new Reject(AuthFailure.ALGORITHM_NOT_ALLOWED, "alg " + Claims.loggable(jws.algorithm()));
        }
        SignatureCheck check = issuer.checkFor(jws.keyId(), jws.algorithm());
        if (!jws.verify(check)) {
            throw new Reject(AuthFailure.BAD_SIGNATURE, "kid=" + Claims.loggable(jws.keyId()) + " issuer=" + issuer.issuer());
        }
        return issuer;
    }

    private void checkClaims(Map<String, Object> claims, IssuerVerifier issuer, String path, Instant now) throws Reject {
        Duration skew = issuer.clockSkew();
        Optional<Instant> exp = Claims.instant(claims.get("exp"));
        if (exp.isEmpty()) {
            throw new Reject(AuthFailure.MISSING_CLAIM, "exp");
        }
        if (!now.isBefore(exp.get().plus(skew))) {
            throw new Reject(AuthFailure.EXPIRED, "exp " + exp.get());
        }
        Optional<Instant> nbf = Claims.instant(claims.get("nbf"));
        if (nbf.isPresent() && now.isBefore(nbf.get().minus(skew))) {
            throw new Reject(AuthFailure.NOT_YET_VALID, "nbf " + nbf.get());
        }
        Optional<Instant> iat = Claims.instant(claims.get("iat"));
        if (iat.isPresent() && now.isBefore(iat.get().minus(skew))) {
            throw new Reject(AuthFailure.ISSUED_IN_FUTURE, "iat " + iat.get());
        }
        List<String> aud = Claims.strings(claims.get("aud"));
        if (aud.isEmpty() || aud.stream().noneMatch(a -> acceptedAudience(a, issuer, path))) {
            throw new Reject(AuthFailure.WRONG_AUDIENCE, "aud " + Claims.loggable(aud));
        }
        if (Claims.string(claims, "sub").isEmpty()) {
            throw new Reject(AuthFailure.MISSING_CLAIM, "sub");
        }
        if (Claims.string(claims, "client_id").or(() -> Claims.string(claims, "azp")).isEmpty()) {
            throw new Reject(AuthFailure.MISSING_CLAIM, "client_id/azp");
        }
    }

    /**
     * The resource URI itself (or the issuer's configured audience); below the resource, a token
     * addressed to exactly {@code <resource>/<upstream>} is accepted on that upstream's routes only.
     */
    private boolean acceptedAudience(String aud, IssuerVerifier issuer, String path) {
        String expected = issuer.audience().orElse(resource.toString());
        if (expected.equals(aud)) {
            return true;
        }
        String base = resource.getRawPath() == null ? "" : resource.getRawPath();
        if (issuer.audience().isEmpty() && path.startsWith(base + "/")) {
            String rest = path.substring(base.length() + 1);
            int slash = rest.indexOf('/');
            String upstream = slash < 0 ? rest : rest.substring(0, slash);
            return !upstream.isEmpty() && aud.equals(resource + "/" + upstream);
        }
        return false;
    }

    private Caller caller(Map<String, Object> claims, IssuerVerifier issuer, String tokenId, InetAddress ip) {
        String sub = Claims.string(claims, "sub").orElseThrow();
        String name = Claims.string(claims, "name").orElseGet(() -> {
            String given = Claims.string(claims, "given_name").orElse("");
            String family = Claims.string(claims, "family_name").orElse("");
            String full = (given + " " + family).trim();
            return full.isEmpty() ? Claims.string(claims, "preferred_username").orElse("") : full;
        });
        String email = Claims.string(claims, "email").orElse("");
        Set<String> groups = Set.copyOf(Claims.strings(Claims.atPath(claims, issuer.groupsClaim())));
        String clientId = Claims.string(claims, "client_id").or(() -> Claims.string(claims, "azp")).orElseThrow();
        Optional<String> actor = claims.get("act") instanceof Map<?, ?> act && act.get("sub") instanceof String s
                ? Optional.of(s) : Optional.empty();
        // the persona claim is one of the policy's binding sources (see docs/PERSONAS.md for precedence)
        return new Caller(new Subject(sub, issuer.issuer(), name, email, groups), new Agent(clientId, actor),
                Claims.string(claims, "persona"), Claims.scopes(claims), tokenId, ip);
    }

    private void checkPinning(Map<String, Object> claims, InetAddress ip, String tokenId) throws Reject {
        if (ipClaim.isEmpty()) {
            return;
        }
        Object value = Claims.atPath(claims, ipClaim.get());
        if (value == null) {
            return;
        }
        List<String> ranges = new ArrayList<>();
        for (String s : Claims.strings(value)) {
            for (String part : s.split("[ ,]+")) {
                if (!part.isEmpty()) {
                    ranges.add(part);
                }
            }
        }
        if (ranges.isEmpty()) {
            throw new Reject(AuthFailure.TOKEN_IP_MISMATCH, "pinning claim without ranges (token " + tokenId + ")");
        }
        for (String range : ranges) {
            try {
                if (Cidr.parse(range).contains(ip)) {
                    return;
                }
            } catch (IllegalArgumentException e) {
                throw new Reject(AuthFailure.TOKEN_IP_MISMATCH, "pinning claim has an invalid range (token " + tokenId + ")");
            }
        }
        throw new Reject(AuthFailure.TOKEN_IP_MISMATCH, "client " + ip.getHostAddress() + " outside the token's ranges (token " + tokenId + ")");
    }
}
