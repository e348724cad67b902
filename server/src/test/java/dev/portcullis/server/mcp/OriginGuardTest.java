package dev.portcullis.server.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OriginGuardTest {
    private final OriginGuard loopback = OriginGuard.create(McpSettings.defaults(), "127.0.0.1");
    private final OriginGuard configured = OriginGuard.create(new McpSettings(List.of("gw.example.com"),
            List.of("https://app.example.com"), Duration.ofMinutes(30), 10, Duration.ofMinutes(1), Optional.empty()),
            "0.0.0.0");

    @ParameterizedTest(name = "loopback bind: Host={0} Origin={1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "127.0.0.1:8080, -, allowed",
            "localhost:8080, -, allowed",
            "[::1]:8080, -, allowed",
            "-, -, allowed",
            "evil.example:8080, -, refused",
            "localhost.evil.example, -, refused",
            "127.0.0.1:8080, http://localhost:6274, allowed",
            "127.0.0.1:8080, http://127.0.0.1:3000, allowed",
            "127.0.0.1:8080, http://evil.example, refused",
            "127.0.0.1:8080, null, refused",
            "127.0.0.1:8080, http://localhost.evil.example, refused"})
    void loopbackDefaults(String host, String origin, String expected) {
        assertThat(loopback.check(Optional.ofNullable(host), Optional.ofNullable(origin)).isEmpty())
                .isEqualTo(expected.equals("allowed"));
    }

    @ParameterizedTest(name = "configured: Host={0} Origin={1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "gw.example.com, -, allowed",
            "GW.EXAMPLE.COM:443, -, allowed",
            "localhost, -, refused",
            "gw.example.com, https://app.example.com, allowed",
            "gw.example.com, http://app.example.com, refused",
            "gw.example.com, http://localhost:6274, refused"})
    void configuredHostsAndOrigins(String host, String origin, String expected) {
        assertThat(configured.check(Optional.ofNullable(host), Optional.ofNullable(origin)).isEmpty())
                .isEqualTo(expected.equals("allowed"));
    }
}
