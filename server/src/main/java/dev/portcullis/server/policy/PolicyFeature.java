package dev.portcullis.server.policy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.portcullis.core.Caller;
import dev.portcullis.core.Decision;
import dev.portcullis.core.Verdict;
import dev.portcullis.personas.AccessClass;
import dev.portcullis.personas.Authorization;
import dev.portcullis.personas.Explanation;
import dev.portcullis.personas.PolicyBundle;
import dev.portcullis.personas.PolicyException;
import dev.portcullis.personas.PolicyLoader;
import dev.portcullis.personas.PolicyProblem;
import dev.portcullis.personas.RateLimiter;
import dev.portcullis.personas.Target;
import dev.portcullis.server.Gateway;
import dev.portcullis.server.auth.AuthContext;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.mcp.McpPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The authorisation stage of the MCP endpoint: loads the policy bundle, re-reads it when the file
 * changes (a bad new file leaves the old policy in force and raises an ERROR alert, visible in
 * {@link #status()}, health and the admin API), answers {@link McpPolicy} questions for the caller of
 * the current request, and serves {@code /admin/policy}.
 *
 * <p>Fail closed: no caller in the request context, no bundle in production, or an exception while
 * deciding → hidden / refused.
 */
public final class PolicyFeature implements McpPolicy, AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(PolicyFeature.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "/admin/policy";

    /** What is in force. */
    sealed interface State {
        /** No authorisation stage (dev/demo without a bundle). */
        record Off() implements State {
        }

        /** No bundle in production: everything is denied. */
        record Missing() implements State {
        }

        /** A bundle is in force. */
        record Active(PolicyBundle bundle, String fileHash) implements State {
        }
    }

    /**
     * The policy's condition, for health checks, metrics and the admin API.
     *
     * @param enforcing     whether an authorisation stage runs
     * @param policyVersion version in force, or {@code none}
     * @param origin        file in force, or empty
     * @param lastError     the last failed reload (file:line:column problems), if the last reload failed
     * @param loadedAt      when the policy in force was loaded
     */
    public record Status(boolean enforcing, String policyVersion, String origin, Optional<String> lastError,
                         Optional<Instant> loadedAt) {
        /**
         * @return whether the last reload succeeded (a production gateway without a bundle is healthy: it
         *         denies every MCP request by design, and says so at start-up)
         */
        public boolean healthy() {
            return lastError.isEmpty();
        }
    }

    private final PolicySettings settings;
    private final boolean authEnabled;
    private final Clock clock;
    private final RateLimiter limiter = RateLimiter.inMemory();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile State state;
    private volatile Optional<String> lastError = Optional.empty();
    private volatile Optional<Instant> loadedAt = Optional.empty();
    private volatile Thread watcher;
    private volatile boolean closed;
    private volatile java.util.function.Consumer<Decision> decisions = PolicyFeature::logDecision;

    private PolicyFeature(PolicySettings settings, boolean authEnabled, Clock clock, State initial) {
        this.settings = settings;
        this.authEnabled = authEnabled;
        this.clock = clock;
        this.state = initial;
    }

    /**
     * Loads the configured bundle. An invalid bundle at start-up stops the gateway.
     *
     * @param config      gateway configuration
     * @param authEnabled whether layer-1 authentication runs
     * @return the feature
     * @throws ConfigException when the bundle is invalid (every problem with file:line:column)
     */
    public static PolicyFeature create(GatewayConfig config, boolean authEnabled) {
        PolicySettings settings = config.policy();
        State initial;
        if (settings.file().isEmpty()) {
            if (config.mode() == GatewayConfig.Mode.PRODUCTION) {
                LOGGER.log(Level.WARNING, "No policy.file configured: every MCP request is denied (default deny)");
                initial = new State.Missing();
            } else {
                LOGGER.log(Level.WARNING, "No policy.file configured (" + config.mode().name().toLowerCase(Locale.ROOT)
                        + " mode): MCP authorisation is OFF, every caller sees every tool");
                initial = new State.Off();
            }
        } else {
            try {
                initial = load(settings.file().get());
            } catch (PolicyException e) {
                throw new ConfigException(e.problems().stream().map(p -> "policy.file: " + p).toList());
            }
        }
        PolicyFeature feature = new PolicyFeature(settings, authEnabled, Clock.systemUTC(), initial);
        if (initial instanceof State.Active a) {
            feature.loadedAt = Optional.of(Instant.now());
            LOGGER.log(Level.INFO, "Policy " + a.bundle().version() + " in force from " + a.bundle().origin());
        }
        return feature;
    }

    private static State.Active load(Path file) throws PolicyException {
        PolicyLoader.Loaded loaded = PolicyLoader.load(file);
        for (PolicyProblem w : loaded.warnings()) {
            LOGGER.log(Level.WARNING, "Policy warning: " + w);
        }
        return new State.Active(loaded.bundle(), fileHash(file));
    }

    /** Starts watching the bundle file for changes. */
    public void start() {
        if (settings.file().isEmpty() || watcher != null) {
            return;
        }
        watcher = Thread.ofVirtual().name("policy-watcher").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(settings.reloadInterval());
                } catch (InterruptedException e) {
                    return;
                }
                String hash = fileHash(settings.file().get());
                boolean changed = !(state instanceof State.Active a) || !a.fileHash().equals(hash);
                if (changed && !hash.equals(failedHash)) {
                    reload();
                }
            }
        });
    }

    private volatile String failedHash = "";

    /**
     * Re-reads the bundle now. A bad file leaves the policy in force unchanged.
     *
     * @return the status after the attempt
     */
    public synchronized Status reload() {
        if (settings.file().isEmpty()) {
            return status();
        }
        Path file = settings.file().get();
        try {
            State.Active next = load(file);
            String before = state instanceof State.Active a ? a.bundle().version() : "none";
            state = next;
            lastError = Optional.empty();
            failedHash = "";
            loadedAt = Optional.of(clock.instant());
            if (!before.equals(next.bundle().version())) {
                LOGGER.log(Level.INFO, "Policy " + next.bundle().version() + " in force (was " + before + ")");
                listeners.forEach(Runnable::run);
            }
        } catch (PolicyException e) {
            failedHash = fileHash(file);
            lastError = Optional.of(String.join("; ", e.problems().stream().map(PolicyProblem::toString).toList()));
            LOGGER.log(Level.ERROR, "ALERT policy reload failed; the previous policy stays in force: "
                    + e.getMessage());
        }
        return status();
    }

    /** @return the current condition */
    public Status status() {
        State s = state;
        return switch (s) {
            case State.Off off -> new Status(false, "none", "", lastError, Optional.empty());
            case State.Missing missing -> new Status(true, "none", "", lastError, Optional.empty());
            case State.Active active -> new Status(true, active.bundle().version(), active.bundle().origin(), lastError,
                    loadedAt);
        };
    }

    /** @return the version of the policy in force ({@code none} without one); for audit records */
    public String policyVersion() {
        return status().policyVersion();
    }

    /**
     * @param listener called after a reload changed the policy version (e.g. list_changed to clients)
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * @param sink where invocation decisions go (the audit ledger, later); default: DEBUG log
     */
    public void decisions(java.util.function.Consumer<Decision> sink) {
        this.decisions = java.util.Objects.requireNonNull(sink, "sink");
    }

    // ------------------------------------------------------------------------------------ McpPolicy

    @Override
    public boolean visible(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item) {
        try {
            return switch (state) {
                case State.Off off -> true;
                case State.Missing missing -> false;
                case State.Active active -> {
                    Optional<Caller> caller = AuthContext.caller(context);
                    yield caller.isPresent() && active.bundle().authorize(caller.get(), target(kind, upstream, item),
                            clock.instant()).visible();
                }
            };
        } catch (RuntimeException e) {
            LOGGER.log(Level.ERROR, "Policy check failed; hiding the item (fail closed)", e);
            return false;
        }
    }

    @Override
    public Admission admit(io.helidon.common.context.Context context, String kind, String upstream, ObjectNode item) {
        Optional<Caller> caller = AuthContext.caller(context);
        Target target;
        Authorization decision;
        String version;
        try {
            State s = state;
            switch (s) {
                case State.Off off -> {
                    return Admission.ALLOWED;
                }
                case State.Missing missing -> {
                    target = target(kind, upstream, item);
                    decision = null;
                    version = "none";
                }
                case State.Active active -> {
                    target = target(kind, upstream, item);
                    decision = caller.isEmpty() ? null
                            : active.bundle().admit(caller.get(), target, clock.instant(), limiter);
                    version = active.bundle().version();
                }
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.ERROR, "Policy check failed; refusing (fail closed)", e);
            return new Admission.Hidden();
        }
        Verdict verdict = decision == null
                ? Verdict.deny(dev.portcullis.core.ReasonCode.FORBIDDEN, "Not allowed.") : decision.verdict();
        record(context, caller, kind, target, verdict, decision, version);
        if (decision == null) {
            return new Admission.Hidden();
        }
        return switch (decision) {
            case Authorization.Permit p -> Admission.ALLOWED;
            case Authorization.Deny d -> new Admission.Hidden();
            case Authorization.StepUp su -> new Admission.StepUp(su.scopes());
            case Authorization.Throttled t -> new Admission.Throttled(t.retryAfter());
        };
    }

    private void record(io.helidon.common.context.Context context, Optional<Caller> caller, String kind, Target target, Verdict verdict, Authorization decision,
                        String version) {
        String action = switch (kind) {
            case "tool" -> "tools/call";
            case "prompt" -> "prompts/get";
            default -> "resources/read";
        };
        String detail = decision instanceof Authorization.Deny d ? d.why().key()
                : decision instanceof Authorization.Throttled t ? t.limit() : "";
        Decision d = new Decision(clock.instant(),
                context.get(dev.portcullis.server.http.RequestFilter.CONTEXT_REQUEST_ID, String.class).orElse("-"),
                caller, action, target.display(), verdict, Optional.of(detail.isEmpty() ? "authorize" : "authorize:" + detail),
                version, List.of(), Optional.of(switch (target) {
                    case Target.Tool t -> t.upstream();
                    case Target.Prompt p -> p.upstream();
                    case Target.Resource r -> r.upstream();
                    case Target.Model m -> "";
                }), Map.of());
        try {
            decisions.accept(d);
        } catch (RuntimeException e) {
            LOGGER.log(Level.ERROR, "Recording a policy decision failed", e);
        }
    }

    private static void logDecision(Decision d) {
        if (LOGGER.isLoggable(Level.DEBUG)) {
            LOGGER.log(Level.DEBUG, "policy decision " + d.action() + " " + d.target() + " -> "
                    + (d.verdict() instanceof Verdict.Deny deny ? "deny " + deny.code().code() : "allow")
                    + " (" + d.decidedBy().orElse("") + ") policyVersion=" + d.policyVersion());
        }
    }

    /**
     * The policy target for an MCP item: tools carry their access class from the annotations and
     * OpenAPI tags / operation id from {@code _meta} ({@code dev.portcullis/tags},
     * {@code dev.portcullis/operationId}).
     */
    static Target target(String kind, String upstream, ObjectNode item) {
        return switch (kind) {
            case "tool" -> {
                JsonNode annotations = item.path("annotations");
                Boolean readOnly = annotations.path("readOnlyHint").isBoolean()
                        ? annotations.path("readOnlyHint").booleanValue() : null;
                Boolean destructive = annotations.path("destructiveHint").isBoolean()
                        ? annotations.path("destructiveHint").booleanValue() : null;
                Set<String> tags = new HashSet<>();
                for (JsonNode t : item.path("_meta").path("dev.portcullis/tags")) {
                    if (t.isTextual()) {
                        tags.add(t.asText());
                    }
                }
                JsonNode op = item.path("_meta").path("dev.portcullis/operationId");
                yield new Target.Tool(upstream, item.path("name").asText(""), tags,
                        op.isTextual() ? Optional.of(op.asText()) : Optional.empty(),
                        AccessClass.fromHints(readOnly, destructive));
            }
            case "prompt" -> new Target.Prompt(upstream, item.path("name").asText(""));
            case "template" -> new Target.Resource(upstream, item.path("uriTemplate").asText(""));
            default -> new Target.Resource(upstream, item.path("uri").asText(""));
        };
    }

    // ------------------------------------------------------------------------------------ admin API

    /**
     * Registers {@code GET /admin/policy}, {@code POST /admin/policy/reload} and
     * {@code POST /admin/policy/explain}.
     *
     * @param routes the gateway's routes
     */
    public void register(Gateway.Routes routes) {
        routes.routing()
                .get(ADMIN, admin(this::current))
                .post(ADMIN + "/reload", admin((req, res) -> json(res, 200, statusJson(reload()))))
                .post(ADMIN + "/explain", admin(this::explain));
        routes.table()
                .declare(ADMIN, List.of("GET"))
                .declare(ADMIN + "/reload", List.of("POST"))
                .declare(ADMIN + "/explain", List.of("POST"));
    }

    private Handler admin(Handler op) {
        return (req, res) -> {
            Optional<Caller> caller = AuthContext.caller(req);
            if (caller.isEmpty()) {
                problem(res, 401, "unauthenticated", "A bearer token is required.", Map.of());
                return;
            }
            if (authEnabled && !caller.get().scopes().contains(settings.adminScope())) {
                problem(res, 403, "insufficient-scope", "The admin API needs the scope '" + settings.adminScope() + "'.",
                        Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\""
                                + settings.adminScope() + "\""));
                return;
            }
            op.handle(req, res);
        };
    }

    private void current(ServerRequest req, ServerResponse res) throws IOException {
        ObjectNode body = statusJson(status());
        if (state instanceof State.Active a) {
            body.set("bundle", JSON.readTree(a.bundle().canonicalJson()));
        }
        json(res, 200, body);
    }

    private void explain(ServerRequest req, ServerResponse res) throws IOException {
        if (!(state instanceof State.Active active)) {
            problem(res, 409, "no-policy", "No policy bundle is in force.", Map.of());
            return;
        }
        JsonNode in;
        try {
            in = JSON.readTree(req.content().as(byte[].class));
        } catch (IOException e) {
            problem(res, 400, "malformed-json", "The body is not JSON.", Map.of());
            return;
        }
        String user = in.path("user").asText("");
        String agent = in.path("agent").asText("");
        if (user.isEmpty() || agent.isEmpty() || !(in.path("tool").isTextual() || in.path("resource").isTextual()
                || in.path("prompt").isTextual())) {
            problem(res, 400, "invalid-request",
                    "Expected {user, groups[], agent, scopes[], persona?, upstream?, tool|resource|prompt, access?}.",
                    Map.of());
            return;
        }
        PolicyBundle.Question caller = new PolicyBundle.Question(user, strings(in.path("groups")), agent,
                in.path("persona").isTextual() ? Optional.of(in.path("persona").asText()) : Optional.empty(),
                strings(in.path("scopes")));
        String upstream = in.path("upstream").asText("*");
        Target target;
        if (in.path("tool").isTextual()) {
            AccessClass access = switch (in.path("access").asText("read")) {
                case "write" -> AccessClass.WRITE;
                case "destructive" -> AccessClass.DESTRUCTIVE;
                default -> AccessClass.READ;
            };
            target = Target.Tool.of(upstream, in.path("tool").asText(), access);
        } else if (in.path("prompt").isTextual()) {
            target = new Target.Prompt(upstream, in.path("prompt").asText());
        } else {
            target = new Target.Resource(upstream, in.path("resource").asText());
        }
        Explanation e = active.bundle().explain(caller, target, clock.instant());
        ObjectNode body = JSON.createObjectNode();
        body.put("decision", e.render().lines().findFirst().orElse(""));
        body.put("policyVersion", e.decision().policyVersion());
        e.binding().ifPresent(b -> body.putObject("persona").put("name", b.persona()).put("source", b.source().key()));
        ArrayNode steps = body.putArray("steps");
        e.steps().forEach(steps::add);
        ArrayNode grants = body.putArray("grants");
        for (Explanation.GrantMatch g : e.grants()) {
            ObjectNode gn = grants.addObject().put("entitlement", g.entitlement()).put("grant", g.grantIndex())
                    .put("via", g.via());
            g.matchedBy().forEach(gn.putArray("matchedBy")::add);
            g.requireScope().ifPresent(s -> gn.put("requireScope", s));
        }
        body.put("text", e.render());
        json(res, 200, body);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        for (JsonNode n : array) {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        }
        return out;
    }

    private static ObjectNode statusJson(Status s) {
        ObjectNode body = JSON.createObjectNode();
        body.put("enforcing", s.enforcing());
        body.put("policyVersion", s.policyVersion());
        body.put("origin", s.origin());
        body.put("healthy", s.healthy());
        s.lastError().ifPresent(e -> body.put("lastError", e));
        s.loadedAt().ifPresent(t -> body.put("loadedAt", t.toString()));
        return body;
    }

    private static void json(ServerResponse res, int status, JsonNode body) throws IOException {
        res.status(io.helidon.http.Status.create(status));
        res.headers().contentType(io.helidon.http.HttpMediaType.create("application/json"));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(JSON.writeValueAsBytes(body));
    }

    private static void problem(ServerResponse res, int status, String code, String detail, Map<String, String> headers)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", dev.portcullis.server.http.Problems.TYPE_PREFIX + code);
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        res.status(io.helidon.http.Status.create(status));
        res.headers().contentType(dev.portcullis.server.http.Problems.PROBLEM_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        headers.forEach(res::header);
        res.send(JSON.writeValueAsBytes(body));
    }

    private static String fileHash(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread w = watcher;
        if (w != null) {
            w.interrupt();
        }
    }
}
