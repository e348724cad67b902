package dev.portcullis.conformance.gateway;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.registry.Registration;

/** Upstream registrations for tests, as configuration would give them. */
final class Upstreams {
    private Upstreams() {
    }

    static Registration http(String name, String url, String prefix) {
        return http(name, url, prefix, Registration.Pinning.STRICT);
    }

    static Registration http(String name, String url, String prefix, Registration.Pinning pinning) {
        return new Registration(name, "", "", "1.0.0", new UpstreamTarget.Http(name, URI.create(url), Map.of(),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Optional.empty()), prefix, true,
                Registration.Source.CONFIG, Instant.now(), pinning);
    }

    static Registration stdio(String name, List<String> command) {
        return new Registration(name, "", "", "1.0.0", new UpstreamTarget.Stdio(name, command, Map.of(), Optional.empty(),
                Duration.ofSeconds(60)), name + "__", true, Registration.Source.CONFIG, Instant.now());
    }
}
