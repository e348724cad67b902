package dev.portcullis.registry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.portcullis.mcp.UpstreamTarget;

final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    private Fixtures() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode obj(String text) {
        return (ObjectNode) json(text);
    }

    static UpstreamTarget.Http http(String name, String url, Map<String, String> headers) {
        return new UpstreamTarget.Http(name, URI.create(url), headers, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Optional.empty());
    }

    static Registration admin(String name) {
        return admin(name, "1.0.0");
    }

    static Registration admin(String name, String version) {
        return new Registration(name, "T " + name, "D " + name, version, http(name, "https://" + name + ".example.com/mcp",
                Map.of()), null, true, Registration.Source.ADMIN, T0);
    }

    static Registration admin(String name, Registration.Pinning pinning) {
        return new Registration(name, "", "", "1.0.0", http(name, "https://" + name + ".example.com/mcp", Map.of()), null,
                true, Registration.Source.ADMIN, T0, pinning);
    }

    static Registration configured(String name) {
        return new Registration(name, "", "", "1.0.0", http(name, "https://" + name + ".example.com/mcp", Map.of()), null,
                true, Registration.Source.CONFIG, T0);
    }

    static Registry open(Path dir, Registration... config) {
        return Registry.open(dir.resolve("registry.json"), List.of(config), Registry.DEFAULT_NAMESPACE, CLOCK);
    }

    static ObjectNode tool(String name, String description) {
        ObjectNode t = JSON.createObjectNode();
        t.put("name", name);
        t.put("description", description);
        ObjectNode schema = t.putObject("inputSchema");
        schema.put("type", "object");
        schema.putObject("properties").putObject("q").put("type", "string");
        return t;
    }
}
