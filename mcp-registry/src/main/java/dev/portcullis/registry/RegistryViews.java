package dev.portcullis.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * Builds the v0.1 registry API views ({@code ServerList}, {@code ServerResponse}) from the registry.
 * Never emits header values, environment values or URL query strings: they may carry credentials.
 */
final class RegistryViews {
    static final String STATUS_KEY = "dev.portcullis/status";
    static final String OFFICIAL_KEY = "io.modelcontextprotocol.registry/official";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String CURSOR_PREFIX = "after:";

    private final Registry registry;

    RegistryViews(Registry registry) {
        this.registry = registry;
    }

    ObjectNode serversPage(String cursor, int limit, String search) {
        if (limit < 1 || limit > 100) {
            throw RegistryException.invalid(List.of("limit: " + limit + " (expected: 1..100)"));
        }
        String after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
        String needle = search == null || search.isBlank() ? null : search.strip().toLowerCase(Locale.ROOT);
        List<Registry.Snapshot> all = new ArrayList<>(registry.snapshot());
        all.sort(Comparator.comparing(s -> serverName(s.current())));
        ObjectNode page = F.objectNode();
        ArrayNode servers = page.putArray("servers");
        String last = null;
        boolean more = false;
        for (Registry.Snapshot s : all) {
            String name = serverName(s.current());
            if (after != null && name.compareTo(after) <= 0) {
                continue;
            }
            if (needle != null && !name.toLowerCase(Locale.ROOT).contains(needle)) {
                continue;
            }
            if (servers.size() == limit) {
                more = true;
                break;
            }
            servers.add(response(s, s.current(), true));
            last = name;
        }
        ObjectNode metadata = page.putObject("metadata");
        if (more) {
            metadata.put("nextCursor", encodeCursor(last));
        }
        metadata.put("count", servers.size());
        return page;
    }

    Optional<ObjectNode> versions(String serverName) {
        return find(serverName).map(s -> {
            ObjectNode list = F.objectNode();
            ArrayNode servers = list.putArray("servers");
            List<Registration> history = s.history();
            for (int i = history.size() - 1; i >= 0; i--) {
                Registration r = i == history.size() - 1 ? s.current() : history.get(i);
                servers.add(response(s, r, i == history.size() - 1));
            }
            list.putObject("metadata").put("count", servers.size());
            return list;
        });
    }

    Optional<ObjectNode> version(String serverName, String version) {
        return find(serverName).flatMap(s -> {
            if ("latest".equals(version)) {
                return Optional.of(response(s, s.current(), true));
            }
            List<Registration> history = s.history();
            for (int i = history.size() - 1; i >= 0; i--) {
                if (history.get(i).version().equals(version)) {
                    boolean latest = i == history.size() - 1;
                    return Optional.of(response(s, latest ? s.current() : history.get(i), latest));
                }
            }
            return Optional.empty();
        });
    }

    private Optional<Registry.Snapshot> find(String serverName) {
        if (serverName == null) {
            return Optional.empty();
        }
        String prefix = registry.namespace() + "/";
        if (!serverName.startsWith(prefix)) {
            return Optional.empty();
        }
        String name = serverName.substring(prefix.length());
        return registry.snapshot().stream().filter(s -> s.current().name().equals(name)).findFirst();
    }

    private String serverName(Registration r) {
        return registry.namespace() + "/" + r.name();
    }

    private ObjectNode response(Registry.Snapshot s, Registration r, boolean latest) {
        ObjectNode response = F.objectNode();
        ObjectNode server = response.putObject("server");
        server.put("$schema", "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json");
        server.put("name", serverName(r));
        if (!r.title().isEmpty()) {
            server.put("title", r.title());
        }
        server.put("description", r.description().isEmpty() ? (r.title().isEmpty() ? r.name() : r.title()) : r.description());
        server.put("version", r.version());
        switch (r.target()) {
            case UpstreamTarget.Http http -> {
                ObjectNode remote = server.putArray("remotes").addObject();
                remote.put("type", "streamable-http");
                remote.put("url", withoutQuery(http.url()));
            }
            case UpstreamTarget.OpenApi api -> {
                // an OpenAPI upstream is reached over plain HTTP; show where (never credentials or the document)
                ObjectNode remote = server.putArray("remotes").addObject();
                remote.put("type", "openapi");
                api.baseUrl().ifPresentOrElse(u -> remote.put("url", withoutQuery(u)),
                        () -> {
                            if (api.spec() instanceof UpstreamTarget.OpenApi.Spec.Location l) {
                                remote.put("specUrl", l.location().startsWith("http") ? withoutQuery(URI.create(l.location()))
                                        : "file");
                            }
                        });
            }
            case UpstreamTarget.Stdio stdio -> {
                ObjectNode pkg = server.putArray("packages").addObject();
                pkg.put("registryType", "local");
                pkg.put("identifier", stdio.command().getFirst());
                pkg.putObject("transport").put("type", "stdio");
                if (stdio.command().size() > 1) {
                    ArrayNode args = pkg.putArray("packageArguments");
                    for (String arg : stdio.command().subList(1, stdio.command().size())) {
                        args.addObject().put("type", "positional").put("value", arg);
                    }
                }
                if (!stdio.env().isEmpty()) {
                    ArrayNode env = pkg.putArray("environmentVariables");
                    stdio.env().keySet().stream().sorted().forEach(k -> env.addObject().put("name", k));
                }
            }
        }
        ObjectNode meta = response.putObject("_meta");
        ObjectNode official = meta.putObject(OFFICIAL_KEY);
        official.put("status", "active");
        official.put("publishedAt", s.history().getFirst().registeredAt().toString());
        official.put("updatedAt", r.registeredAt().toString());
        official.put("isLatest", latest);
        ObjectNode status = meta.putObject(STATUS_KEY);
        status.put("source", r.source().name().toLowerCase(Locale.ROOT));
        status.put("enabled", s.current().enabled());
        status.put("pinning", r.pinning().text());
        status.put("toolPrefix", r.toolPrefix());
        ObjectNode health = status.putObject("health");
        health.put("status", s.health().status().name().toLowerCase(Locale.ROOT));
        health.put("checkedAt", s.health().checkedAt().toString());
        if (!s.health().detail().isEmpty()) {
            health.put("detail", s.health().detail());
        }
        s.health().protocolVersion().ifPresent(v -> health.put("protocolVersion", v.text()));
        status.put("pinnedTools", s.pinned());
        status.put("quarantinedTools", s.quarantined());
        return response;
    }

    /** Query strings and fragments may carry API keys; the view shows scheme, authority and path only. */
    private static String withoutQuery(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + url.getHost();
        }
    }

    private static String encodeCursor(String lastName) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + lastName).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX) && decoded.length() > CURSOR_PREFIX.length()) {
                return decoded.substring(CURSOR_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw RegistryException.invalid(List.of("cursor: not a cursor returned by this registry"
                + " (expected: metadata.nextCursor of the previous page)"));
    }
}
