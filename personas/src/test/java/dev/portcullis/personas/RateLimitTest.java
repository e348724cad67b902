package dev.portcullis.personas;

import static dev.portcullis.personas.Fixtures.NOON_WEDNESDAY;
import static dev.portcullis.personas.Fixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;
import dev.portcullis.core.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new TokenBuckets(now::get);

    private static PolicyBundle bundle(RateLimits limits) {
        Persona p = new Persona("limited", "", Rules.tools("*"), Optional.empty(), Optional.empty(), limits,
                Optional.empty());
        return PolicyBundle.of("t", List.of(new Entitlement("all", Set.of("staff"), Set.of(),
                List.of(Grant.of(Rules.tools("*"))))), List.of(p), new Bindings(Bindings.DEFAULT_PRECEDENCE,
                Map.of("agent", "limited"), "persona:"));
    }

    private static Caller person(String sub) {
        return caller(sub, Set.of("staff"), "agent", Set.of());
    }

    private static Target.Tool tool(String name) {
        return Target.Tool.of("u", name, AccessClass.READ);
    }

    @Test
    void perPersonLimitThrottlesWithRetryAfterAndRefills() {
        PolicyBundle b = bundle(new RateLimits(Optional.of(Rate.parse("2/min")), Optional.empty(), Optional.empty()));
        assertThat(b.admit(person("a"), tool("x"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
        assertThat(b.admit(person("a"), tool("y"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
        Authorization third = b.admit(person("a"), tool("z"), NOON_WEDNESDAY, limiter);
        assertThat(third).isInstanceOfSatisfying(Authorization.Throttled.class, t -> {
            assertThat(t.limit()).isEqualTo("per-person");
            assertThat(t.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(third.verdict()).isInstanceOfSatisfying(Verdict.Deny.class, d -> {
            assertThat(d.code()).isEqualTo(ReasonCode.RATE_LIMITED);
            assertThat(d.publicMessage()).contains("retry after 30 s");
        });
        assertThat(b.admit(person("other"), tool("z"), NOON_WEDNESDAY, limiter))
                .as("another person has their own bucket").isInstanceOf(Authorization.Permit.class);
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(b.admit(person("a"), tool("z"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
    }

    @Test
    void perToolLimitIsPerPersonAndTool() {
        PolicyBundle b = bundle(new RateLimits(Optional.empty(), Optional.of(Rate.parse("1/h")), Optional.empty()));
        assertThat(b.admit(person("a"), tool("x"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
        assertThat(b.admit(person("a"), tool("y"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
        assertThat(b.admit(person("a"), tool("x"), NOON_WEDNESDAY, limiter))
                .isInstanceOfSatisfying(Authorization.Throttled.class, t -> assertThat(t.limit()).isEqualTo("per-tool"));
    }

    @Test
    void perPersonaLimitIsSharedByEveryone() {
        PolicyBundle b = bundle(new RateLimits(Optional.empty(), Optional.empty(), Optional.of(Rate.parse("1/s"))));
        assertThat(b.admit(person("a"), tool("x"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
        assertThat(b.admit(person("b"), tool("y"), NOON_WEDNESDAY, limiter))
                .isInstanceOfSatisfying(Authorization.Throttled.class, t -> assertThat(t.limit()).isEqualTo("per-persona"));
    }

    @Test
    void deniedRequestsConsumeNoPermits() {
        PolicyBundle b = bundle(new RateLimits(Optional.of(Rate.parse("1/h")), Optional.empty(), Optional.empty()));
        Caller outsider = caller("a", Set.of(), "agent", Set.of());
        for (int i = 0; i < 5; i++) {
            assertThat(b.admit(outsider, tool("x"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Deny.class);
        }
        assertThat(b.admit(person("a"), tool("x"), NOON_WEDNESDAY, limiter)).isInstanceOf(Authorization.Permit.class);
    }

    @ParameterizedTest
    @CsvSource({"60/min, 60, PT1M", "5/s, 5, PT1S", "100/h, 100, PT1H", "7 / minute, 7, PT1M"})
    void parsesRates(String text, long permits, Duration period) {
        assertThat(Rate.parse(text)).isEqualTo(new Rate(permits, period));
    }

    @Test
    void rejectsBadRates() {
        assertThatThrownBy(() -> Rate.parse("0/min")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.parse("ten/min")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.parse("10/day")).isInstanceOf(IllegalArgumentException.class);
    }
}
