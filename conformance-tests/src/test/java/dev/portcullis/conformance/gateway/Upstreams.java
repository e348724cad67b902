package dev.portcullis.conformance.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.server.mcp.UpstreamSpec;

/** Upstream registrations for tests. */
final class Upstreams {
    private Upstreams() {
    }

    static UpstreamSpec http(String name, String url, String prefix) {
        return new UpstreamSpec(new UpstreamTarget.Http(name, URI.create(url), Map.of(), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Optional.empty()), prefix);
    }

    static UpstreamSpec stdio(String name, List<String> command) {
        return new UpstreamSpec(new UpstreamTarget.Stdio(name, command, Map.of(), Optional.empty(),
                Duration.ofSeconds(60)), name + "__");
    }
}
