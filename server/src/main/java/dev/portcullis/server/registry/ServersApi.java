package dev.portcullis.server.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.registry.Registry;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.server.Gateway;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The read API shaped like the official MCP registry's ({@code /v0.1/servers}). Server names are
 * {@code <namespace>/<name>} and arrive URL-encoded ({@code local.portcullis%2Fgithub}); they are taken from
 * the raw path, since a decoded path cannot tell the name's {@code /} from a path separator. The API
 * reveals the gateway's inventory, so it is protected by default ({@code auth.protect} includes
 * {@code /v0.1/*}); any authenticated caller may read it.
 */
final class ServersApi {
    static final String SERVERS = "/v0.1/servers";
    private static final int DEFAULT_LIMIT = 30;

    private final Registry registry;

    ServersApi(Registry registry) {
        this.registry = registry;
    }

    void register(Gateway.Routes routes) {
        routes.routing()
                .get(SERVERS, this::servers)
                .get(SERVERS + "/*", this::server);
        routes.table()
                .declare(SERVERS, List.of("GET"))
                .declare(SERVERS + "/*", List.of("GET"));
    }

    private void servers(ServerRequest req, ServerResponse res) {
        try {
            String cursor = req.query().first("cursor").asOptional().orElse(null);
            Optional<String> rawLimit = req.query().first("limit").asOptional();
            int limit = DEFAULT_LIMIT;
            if (rawLimit.isPresent()) {
                try {
                    limit = Integer.parseInt(rawLimit.get().strip());
                } catch (NumberFormatException e) {
                    throw RegistryException.invalid(List.of("limit: '" + printable(rawLimit.get())
                            + "' is not an integer (expected: 1..100)"));
                }
            }
            String search = req.query().first("search").asOptional().orElse(null);
            RegistryProblems.json(res, 200, registry.serversPage(cursor, limit, search));
        } catch (RegistryException e) {
            // only INVALID can happen here: a malformed cursor or a limit out of range
            RegistryProblems.send(req, res, e.reason().httpStatus(), "invalid-request", e.getMessage(), e.problems(),
                    Map.of());
        }
    }

    /** {@code /v0.1/servers/{serverName}/versions[/{version}]}, parsed from the raw path. */
    private void server(ServerRequest req, ServerResponse res) {
        String raw = req.path().rawPath().substring(SERVERS.length() + 1);
        List<String> segments = new ArrayList<>(Arrays.asList(raw.split("/", -1)));
        Optional<ObjectNode> found;
        try {
            if (segments.size() >= 2 && segments.getLast().equals("versions")) {
                String name = decode(String.join("/", segments.subList(0, segments.size() - 1)));
                found = registry.versions(name);
            } else if (segments.size() >= 3 && segments.get(segments.size() - 2).equals("versions")) {
                String version = decode(segments.getLast());
                String name = decode(String.join("/", segments.subList(0, segments.size() - 2)));
                found = registry.version(name, version);
            } else {
                RegistryProblems.send(req, res, 404, "not-found", "No such endpoint.", List.of(), Map.of());
                return;
            }
        } catch (IllegalArgumentException e) {
            RegistryProblems.send(req, res, 400, "invalid-request", "The server name or version is not valid URL encoding.",
                    List.of(), Map.of());
            return;
        } catch (RegistryException e) {
            RegistryProblems.send(req, res, e);
            return;
        }
        if (found.isEmpty()) {
            RegistryProblems.send(req, res, 404, "not-found", "No such server or version.", List.of(), Map.of());
            return;
        }
        RegistryProblems.json(res, 200, found.get());
    }

    private static String decode(String s) {
        // path encoding: '+' is a plus sign, not a space
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
