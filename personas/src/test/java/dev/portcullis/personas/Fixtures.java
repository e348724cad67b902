package dev.portcullis.personas;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.core.Agent;
import dev.portcullis.core.Caller;
import dev.portcullis.core.Subject;

final class Fixtures {
    static final Instant NOON_WEDNESDAY = Instant.parse("2026-11-25T11:00:00Z");

    private Fixtures() {
    }

    static Caller caller(String sub, Set<String> groups, String clientId, Set<String> scopes) {
        return caller(sub, groups, clientId, Optional.empty(), scopes);
    }

    static Caller caller(String sub, Set<String> groups, String clientId, Optional<String> personaClaim,
                         Set<String> scopes) {
        return new Caller(new Subject(sub, "https://idp.example", sub, "", groups),
                new Agent(clientId, Optional.empty()), personaClaim, scopes, "jti-" + sub,
                InetAddress.getLoopbackAddress());
    }

    static Target.Tool tool(String upstream, String name, AccessClass access) {
        return Target.Tool.of(upstream, name, access);
    }

    static PolicyBundle example() throws PolicyException {
        return load("examples/full-example.yaml");
    }

    static PolicyBundle load(String resource) throws PolicyException {
        try (var in = PolicyBundle.class.getResourceAsStream(resource)) {
            return PolicyLoader.parse(resource, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .bundle();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
