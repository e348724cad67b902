package dev.portcullis.server.registry;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.core.Caller;
import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.registry.Health;
import dev.portcullis.registry.QuarantinedTool;
import dev.portcullis.registry.Registration;
import dev.portcullis.registry.Registry;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.server.Gateway;
import dev.portcullis.server.auth.AuthContext;
import dev.portcullis.server.http.JsonBodies;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The registry's admin API under {@code /admin/upstreams} and {@code /admin/registry}. Every call needs
 * the admin scope (403 {@code insufficient-scope} otherwise); with authentication disabled in dev mode
 * every caller is {@code anonymous} and allowed. Registry failures are problem documents with stable codes
 * (see {@link RegistryProblems}). Header and environment values are never shown: only their names.
 */
final class AdminApi {
    private static final System.Logger LOGGER = System.getLogger(AdminApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String UPSTREAMS = "/admin/upstreams";
    static final String EVENTS = "/admin/registry/events";

    private final Registry registry;
    private final String adminScope;
    private final boolean authEnabled;
    private final Clock clock;
    private final OpenApiToolChanges toolChanges = new OpenApiToolChanges();

    AdminApi(Registry registry, String adminScope, boolean authEnabled, Clock clock) {
        this.registry = registry;
        this.adminScope = adminScope;
        this.authEnabled = authEnabled;
        this.clock = clock;
    }

    /** An admin operation: gets the acting subject, may throw {@link RegistryException}. */
    @FunctionalInterface
    private interface Operation {
        void handle(ServerRequest req, ServerResponse res, String actor);
    }

    void register(Gateway.Routes routes) {
        routes.routing()
                .get(UPSTREAMS, admin(this::list))
                .post(UPSTREAMS, admin(this::create))
                .get(UPSTREAMS + "/{name}", admin(this::get))
                .put(UPSTREAMS + "/{name}", admin(this::replace))
                .delete(UPSTREAMS + "/{name}", admin(this::remove))
                .post(UPSTREAMS + "/{name}/enable", admin((req, res, actor) -> enable(req, res, actor, true)))
                .post(UPSTREAMS + "/{name}/disable", admin((req, res, actor) -> enable(req, res, actor, false)))
                .get(UPSTREAMS + "/{name}/quarantine", admin(this::quarantine))
                .post(UPSTREAMS + "/{name}/quarantine/approve-all", admin(this::approveAll))
                .post(UPSTREAMS + "/{name}/quarantine/{tool}/approve", admin(this::approve))
                .get(EVENTS, admin(this::events));
        routes.table()
                .declare(UPSTREAMS, List.of("GET", "POST"))
                .declare(UPSTREAMS + "/{name}", List.of("GET", "PUT", "DELETE"))
                .declare(UPSTREAMS + "/{name}/enable", List.of("POST"))
                .declare(UPSTREAMS + "/{name}/disable", List.of("POST"))
                .declare(UPSTREAMS + "/{name}/quarantine", List.of("GET"))
                .declare(UPSTREAMS + "/{name}/quarantine/approve-all", List.of("POST"))
                .declare(UPSTREAMS + "/{name}/quarantine/{tool}/approve", List.of("POST"))
                .declare(EVENTS, List.of("GET"));
    }

    private Handler admin(Operation op) {
        return (req, res) -> {
            Optional<Caller> caller = AuthContext.caller(req);
            if (caller.isEmpty()) {
                // only when auth.protect leaves /admin open: fail closed
                RegistryProblems.send(req, res, 401, "unauthenticated", "A bearer token is required.", List.of(), Map.of());
                return;
            }
            if (authEnabled && !caller.get().scopes().contains(adminScope)) {
                RegistryProblems.send(req, res, 403, "insufficient-scope", "The admin API needs the scope '" + adminScope + "'.",
                        List.of(), Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + adminScope + "\""));
                return;
            }
            String actor = authEnabled ? caller.get().user().id() : "anonymous";
            try {
                op.handle(req, res, actor);
            } catch (RegistryException e) {
                RegistryProblems.send(req, res, e);
            }
        };
    }

    // ------------------------------------------------------------------------------------------ upstreams

    private void list(ServerRequest req, ServerResponse res, String actor) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("upstreams");
        for (Registration r : registry.list()) {
            items.add(view(r));
        }
        RegistryProblems.json(res, 200, body);
    }

    private void get(ServerRequest req, ServerResponse res, String actor) {
        RegistryProblems.json(res, 200, view(existing(name(req))));
    }

    private void create(ServerRequest req, ServerResponse res, String actor) {
        Registration r = Registration.fromJson(JsonBodies.read(req), clock.instant());
        if (registry.find(r.name()).isPresent()) {
            throw new RegistryException(RegistryException.Reason.CONFLICT, "upstream '" + r.name()
                    + "' is already registered (PUT " + UPSTREAMS + "/" + r.name() + " registers a new version)");
        }
        Optional<OpenApiToolChanges.Result> changes = toolChanges.compare(Optional.empty(), r);
        Registration created = registry.register(r, actor);
        LOGGER.log(Level.INFO, "Upstream " + created.name() + " registered by " + actor);
        res.header("Location", UPSTREAMS + "/" + created.name());
        RegistryProblems.json(res, 201, withToolChanges(view(created), created, changes));
    }

    private void replace(ServerRequest req, ServerResponse res, String actor) {
        String name = name(req);
        Registration previous = existing(name);
        JsonNode body = JsonBodies.read(req);
        if (body instanceof ObjectNode object && !object.has("name")) {
            object.put("name", name);
        }
        Registration r = Registration.fromJson(body, clock.instant());
        if (!r.name().equals(name)) {
            throw RegistryException.invalid(List.of("name: '" + r.name() + "' (expected: " + name + ", as in the path)"));
        }
        Optional<OpenApiToolChanges.Result> changes = toolChanges.compare(Optional.of(previous), r);
        Registration current = registry.register(r, actor);
        RegistryProblems.json(res, 200, withToolChanges(view(current), current, changes));
    }

    private void remove(ServerRequest req, ServerResponse res, String actor) {
        registry.remove(name(req), actor);
        toolChanges.removed(name(req));
        res.status(204).send();
    }

    private void enable(ServerRequest req, ServerResponse res, String actor, boolean enabled) {
        String name = name(req);
        registry.setEnabled(name, enabled, actor);
        LOGGER.log(Level.INFO, "Upstream " + name + (enabled ? " enabled" : " disabled") + " by " + actor);
        RegistryProblems.json(res, 200, view(existing(name)));
    }

    /** Adds {@code toolChanges} to an OpenAPI registration's answer and remembers its tools. */
    private ObjectNode withToolChanges(ObjectNode view, Registration current, Optional<OpenApiToolChanges.Result> changes) {
        changes.ifPresent(c -> {
            toolChanges.registered(current, c);
            view.set("toolChanges", c.json());
        });
        return view;
    }

    // ----------------------------------------------------------------------------------------- quarantine

    private void quarantine(ServerRequest req, ServerResponse res, String actor) {
        String name = name(req);
        ObjectNode body = JSON.createObjectNode();
        body.put("upstream", name);
        ArrayNode tools = body.putArray("tools");
        for (QuarantinedTool q : registry.quarantined(name)) {
            ObjectNode t = tools.addObject();
            t.put("name", q.toolName());
            t.put("reason", q.reason().name().toLowerCase(Locale.ROOT));
            q.pinnedHash().ifPresent(h -> t.put("pinnedHash", h));
            t.put("observedHash", q.observedHash());
            t.put("detectedAt", q.detectedAt().toString());
            t.set("definition", q.definition());
        }
        RegistryProblems.json(res, 200, body);
    }

    private void approve(ServerRequest req, ServerResponse res, String actor) {
        String name = name(req);
        String tool = req.path().pathParameters().get("tool");
        registry.approve(name, tool, actor);
        RegistryProblems.json(res, 200, JSON.createObjectNode().put("upstream", name).put("approved", tool)
                .put("remaining", registry.quarantined(name).size()));
    }

    private void approveAll(ServerRequest req, ServerResponse res, String actor) {
        String name = name(req);
        int count = registry.quarantined(name).size();
        registry.approveAll(name, actor);
        RegistryProblems.json(res, 200, JSON.createObjectNode().put("upstream", name).put("approvedCount", count)
                .put("remaining", registry.quarantined(name).size()));
    }

    // --------------------------------------------------------------------------------------------- events

    private void events(ServerRequest req, ServerResponse res, String actor) {
        int limit = 100;
        Optional<String> raw = req.query().first("limit").asOptional();
        if (raw.isPresent()) {
            try {
                limit = Integer.parseInt(raw.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw RegistryException.invalid(List.of("limit: '" + raw.get() + "' (expected: 1..1000)"));
            }
        }
        List<RegistryEvent> all = registry.events();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode events = body.putArray("events");
        for (RegistryEvent e : all.subList(Math.max(0, all.size() - limit), all.size())) {
            events.add(event(e));
        }
        RegistryProblems.json(res, 200, body);
    }

    static ObjectNode event(RegistryEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", e.at().toString());
        o.put("upstream", e.upstream());
        switch (e) {
            case RegistryEvent.Registered r -> o.put("type", "registered").put("version", r.version())
                    .put("replaced", r.replaced()).put("actor", r.actor());
            case RegistryEvent.Removed r -> o.put("type", "removed").put("actor", r.actor());
            case RegistryEvent.Enabled r -> o.put("type", "enabled").put("actor", r.actor());
            case RegistryEvent.Disabled r -> o.put("type", "disabled").put("actor", r.actor());
            case RegistryEvent.Quarantined q -> {
                o.put("type", "quarantined").put("tool", q.tool().toolName())
                        .put("reason", q.tool().reason().name().toLowerCase(Locale.ROOT))
                        .put("observedHash", q.tool().observedHash());
                q.tool().pinnedHash().ifPresent(h -> o.put("pinnedHash", h));
            }
            case RegistryEvent.Approved a -> o.put("type", "approved").put("tool", a.toolName()).put("hash", a.hash())
                    .put("actor", a.actor());
            case RegistryEvent.HealthChanged h -> o.put("type", "health-changed")
                    .put("status", h.health().status().name().toLowerCase(Locale.ROOT));
        }
        return o;
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private Registration existing(String name) {
        return registry.find(name).orElseThrow(() -> new RegistryException(RegistryException.Reason.NOT_FOUND,
                "no upstream '" + printable(name) + "'"));
    }

    /** Query strings may carry keys: shown only as present. */
    private static String withoutQuery(java.net.URI url) {
        if (url.getRawQuery() == null) {
            return url.toString();
        }
        String s = url.toString();
        return s.substring(0, s.indexOf('?')) + "?…";
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** An administrator's view of a registration: never header or environment values, only their names. */
    private ObjectNode view(Registration r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", r.name());
        o.put("title", r.title());
        o.put("description", r.description());
        o.put("version", r.version());
        o.put("source", r.source().name().toLowerCase(Locale.ROOT));
        o.put("enabled", r.enabled());
        o.put("pinning", r.pinning().text());
        o.put("toolPrefix", r.toolPrefix());
        o.put("registeredAt", r.registeredAt().toString());
        ObjectNode transport = o.putObject("transport");
        switch (r.target()) {
            case UpstreamTarget.Http h -> {
                transport.put("type", "streamable-http");
                transport.put("url", withoutQuery(h.url()));
                h.headers().keySet().stream().sorted().forEach(transport.putArray("headerNames")::add);
                transport.put("connectTimeout", h.connectTimeout().toString());
                transport.put("requestTimeout", h.requestTimeout().toString());
                h.era().ifPresent(era -> transport.put("era", era.name().toLowerCase(Locale.ROOT)));
            }
            case UpstreamTarget.OpenApi a -> {
                transport.put("type", "openapi");
                switch (a.spec()) {
                    case UpstreamTarget.OpenApi.Spec.Location l -> transport.put("spec", l.location());
                    case UpstreamTarget.OpenApi.Spec.Inline i -> transport.put("specContent", i.content().length() + " characters");
                }
                a.baseUrl().ifPresent(u -> transport.put("baseUrl", withoutQuery(u)));
                transport.put("allowPrivateNetworks", a.allowPrivateNetworks());
                a.credential().ifPresent(c -> transport.put("credential", c));
                transport.put("connectTimeout", a.connectTimeout().toString());
                transport.put("requestTimeout", a.requestTimeout().toString());
                transport.put("maxResponseBytes", a.maxResponseBytes());
            }
            case UpstreamTarget.Stdio s -> {
                transport.put("type", "stdio");
                s.command().forEach(transport.putArray("command")::add);
                s.env().keySet().stream().sorted().forEach(transport.putArray("envNames")::add);
                s.workingDir().ifPresent(d -> transport.put("workingDir", d.toString()));
                transport.put("requestTimeout", s.requestTimeout().toString());
            }
        }
        Health health = registry.health(r.name());
        ObjectNode h = o.putObject("health");
        h.put("status", health.status().name().toLowerCase(Locale.ROOT));
        h.put("checkedAt", health.checkedAt().toString());
        if (!health.detail().isEmpty()) {
            h.put("detail", health.detail());
        }
        health.protocolVersion().ifPresent(v -> h.put("protocolVersion", v.text()));
        o.put("pinnedTools", registry.pins(r.name()).size());
        o.put("quarantinedTools", registry.quarantined(r.name()).size());
        return o;
    }
}
