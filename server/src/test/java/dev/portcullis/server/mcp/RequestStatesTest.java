package dev.portcullis.server.mcp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestStatesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final RequestStates states = new RequestStates(Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));
    private final RequestStates.State state = new RequestStates.State("k1", "alice", "tools/call", "billing__pay");

    @Test
    void acceptsAnIntactStateForTheSamePrincipalAndRequest() {
        String token = states.issue(state, Duration.ofMinutes(5));

        assertThat(states.verify(token, "alice", "tools/call", "billing__pay")).contains(state);
    }

    @Test
    void rejectsAStatePresentedByAnotherPrincipal() {
        String token = states.issue(state, Duration.ofMinutes(5));

        assertThat(states.verify(token, "mallory", "tools/call", "billing__pay")).isEmpty();
    }

    @Test
    void rejectsAStateReplayedOnAnotherToolOrMethod() {
        String token = states.issue(state, Duration.ofMinutes(5));

        assertThat(states.verify(token, "alice", "tools/call", "billing__refund")).isEmpty();
        assertThat(states.verify(token, "alice", "prompts/get", "billing__pay")).isEmpty();
    }

    @Test
    void rejectsATamperedPayload() {
        String token = states.issue(state, Duration.ofMinutes(5));
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("k1", "k2").getBytes())
                + token.substring(token.indexOf('.'));

        assertThat(states.verify(forged, "alice", "tools/call", "billing__pay")).isEmpty();
    }

    @Test
    void rejectsAStateSignedWithAnotherKey() {
        RequestStates other = new RequestStates(Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(states.verify(other.issue(state, Duration.ofMinutes(5)), "alice", "tools/call", "billing__pay")).isEmpty();
    }

    @Test
    void rejectsAnExpiredState() {
        String token = states.issue(state, Duration.ofMinutes(5));
        RequestStates later = new RequestStates(Optional.empty(), Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));

        assertThat(later.verify(token, "alice", "tools/call", "billing__pay")).isEmpty();
    }

    @Test
    void sharedKeyLetsReplicasVerifyEachOther() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        RequestStates a = new RequestStates(Optional.of(key), Clock.fixed(NOW, ZoneOffset.UTC));
        RequestStates b = new RequestStates(Optional.of(key), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(b.verify(a.issue(state, Duration.ofMinutes(1)), "alice", "tools/call", "billing__pay")).contains(state);
    }

    @Test
    void rejectsGarbage() {
        for (String garbage : new String[] {"", ".", "a.b.c", "!!!.???", "eyJ9.AAAA"}) {
            assertThat(states.verify(garbage, "alice", "tools/call", "billing__pay")).as(garbage).isEmpty();
        }
    }
}
