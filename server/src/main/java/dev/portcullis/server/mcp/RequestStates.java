package dev.portcullis.server.mcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.portcullis.mcp.JsonRpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Integrity-protected {@code requestState} for multi-round-trip requests: the state names the parked
 * call, the principal it belongs to, the method and target it was issued for, and an expiry; it is
 * signed with HMAC-SHA256 and rejected when altered, expired, or presented by another principal or for
 * another request (MRTR server requirements, 2026-07-28).
 */
final class RequestStates {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;

    RequestStates(Optional<String> configuredKey, Clock clock) {
        if (configuredKey.isPresent()) {
            this.key = Base64.getDecoder().decode(configuredKey.get());
        } else {
            this.key = new byte[32];
            new SecureRandom().nextBytes(this.key);
        }
        this.clock = clock;
    }

    /** What a verified state says. */
    record State(String continuation, String principal, String method, String target) {
    }

    String issue(State state, Duration ttl) {
        ObjectNode payload = JsonRpc.mapper().createObjectNode();
        payload.put("c", state.continuation());
        payload.put("p", state.principal());
        payload.put("m", state.method());
        payload.put("t", state.target());
        payload.put("e", clock.millis() + ttl.toMillis());
        String body = B64.encodeToString(JsonRpc.write(payload));
        return body + "." + B64.encodeToString(mac(body));
    }

    /**
     * @param token     the client's requestState
     * @param principal who presents it
     * @param method    the retried request's method
     * @param target    the retried request's tool/prompt name or URI
     * @return the state when it is intact, current and presented for the same principal and request
     */
    Optional<State> verify(String token, String principal, String method, String target) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        try {
            byte[] presented = B64D.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(presented, mac(body))) {
                return Optional.empty();
            }
            JsonNode payload = JsonRpc.mapper().readTree(B64D.decode(body));
            if (payload.path("e").asLong(0) < clock.millis()) {
                return Optional.empty();
            }
            State state = new State(payload.path("c").asText(), payload.path("p").asText(), payload.path("m").asText(),
                    payload.path("t").asText());
            if (!state.principal().equals(principal) || !state.method().equals(method) || !state.target().equals(target)) {
                return Optional.empty();
            }
            return Optional.of(state);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
