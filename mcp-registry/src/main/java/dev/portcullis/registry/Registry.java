package dev.portcullis.registry;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The trusted registry of upstream MCP servers. Only registered upstreams are reachable through the
 * gateway; their tool definitions are pinned so that a changed definition (a "rug pull") or an
 * unexpected new tool is withheld until an administrator approves it.
 *
 * <p><b>Sources.</b> Registrations from configuration ({@link Registration.Source#CONFIG}) are always
 * present and cannot be replaced or removed through the API ({@link RegistryException.Reason#READ_ONLY});
 * they <em>can</em> be disabled through the API (an incident responder must be able to cut off an
 * upstream without a redeploy) and that override persists across restarts, but the API cannot enable
 * one that configuration disables. Administrator registrations ({@link Registration.Source#ADMIN}) live
 * in the state file with their version history. If configuration and the state file both have a name,
 * configuration wins; the administrator registration is kept in the file, hidden, and logged.
 *
 * <p><b>Persistence.</b> Every change is written to the state file (temporary file, fsync, atomic
 * rename) before the method returns; if writing fails the method throws
 * {@link RegistryException.Reason#STORAGE} and the registry is unchanged. Health is kept in memory only.
 *
 * <p><b>Pinning.</b> See {@link #review(String, List)}. Pins survive re-registration of a new version
 * (a changed endpoint never silently re-trusts its tools) and are dropped only by {@link #remove}.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Reads and unchanged reviews take no lock; changes are
 * serialised. {@link #onChange Listeners} run after the change is persisted, outside the registry's
 * lock, in commit order (possibly on the thread of a concurrent change).
 */
public final class Registry {
    /** The default namespace of server names in the v0.1 API. */
    public static final String DEFAULT_NAMESPACE = "local.portcullis";
    private static final System.Logger LOG = System.getLogger(Registry.class.getName());
    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9.-]{1,100}");
    private static final Pattern TOOL_NAME = Pattern.compile("[^\\p{Cntrl}\\s]{1,128}");
    private static final int EVENT_LIMIT = 1000;
    private static final String TRUST_ON_FIRST_REVIEW = "trust-on-first-review";
    private static final String TRUST_ON_SIGHT = "trust-on-sight";

    private final Path stateFile;
    private final String namespace;
    private final Clock clock;
    private final Map<String, Registration> config;
    private final Instant startedAt;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile RegistryState state;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<RegistryEvent> outbox = new ConcurrentLinkedQueue<>();
    private final ReentrantLock delivery = new ReentrantLock();
    private final ArrayDeque<RegistryEvent> recent = new ArrayDeque<>();
    private final Set<String> warnedInvalid = ConcurrentHashMap.newKeySet();
    private final RegistryViews views;

    private Registry(Path stateFile, Map<String, Registration> config, RegistryState state, String namespace, Clock clock) {
        this.stateFile = stateFile;
        this.config = config;
        this.state = state;
        this.namespace = namespace;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.views = new RegistryViews(this);
    }

    /**
     * Opens the registry with the default namespace and the system clock.
     *
     * @param stateFile  the JSON state file (created on the first change; a missing file is an empty
     *                   state)
     * @param fromConfig registrations from configuration, all with source {@code CONFIG}
     * @return the registry
     * @throws RegistryException {@code STORAGE} when the file cannot be read or is corrupt (the message
     *                           names the file; the file is never discarded or overwritten);
     *                           {@code INVALID} when configuration registrations repeat a name, clash
     *                           in tool prefix, or are not of source {@code CONFIG}
     */
    public static Registry open(Path stateFile, List<Registration> fromConfig) {
        return open(stateFile, fromConfig, DEFAULT_NAMESPACE, Clock.systemUTC());
    }

    /**
     * Opens the registry.
     *
     * @param stateFile  the JSON state file
     * @param fromConfig registrations from configuration, all with source {@code CONFIG}
     * @param namespace  namespace of server names in the v0.1 API ({@code <namespace>/<name>}),
     *                   {@code [a-zA-Z0-9.-]{1,100}}
     * @param clock      time source for registrations, pins and events
     * @return the registry
     * @throws RegistryException as {@link #open(Path, List)}
     */
    public static Registry open(Path stateFile, List<Registration> fromConfig, String namespace, Clock clock) {
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(clock, "clock");
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw RegistryException.invalid(List.of("namespace: " + Checks.printable(namespace)
                    + " (expected: [a-zA-Z0-9.-]{1,100})"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Registration> config = new LinkedHashMap<>();
        for (Registration r : fromConfig) {
            if (r.source() != Registration.Source.CONFIG) {
                problems.add("upstreams." + r.name() + ".source: " + r.source() + " (expected: CONFIG)");
            } else if (config.putIfAbsent(r.name(), r) != null) {
                problems.add("upstreams." + r.name() + ": duplicate name");
            } else {
                prefixClash(r, config.values()).ifPresent(other -> problems.add("upstreams." + r.name()
                        + ".tool-prefix: '" + r.toolPrefix() + "' clashes with '" + other.toolPrefix() + "' of "
                        + other.name() + " (expected: no non-empty prefix that starts another)"));
            }
        }
        if (!problems.isEmpty()) {
            throw RegistryException.invalid(problems);
        }
        RegistryState state = RegistryState.read(stateFile);
        for (String name : state.admin().keySet()) {
            if (config.containsKey(name)) {
                LOG.log(Level.WARNING, "upstream {0} is both configured and registered through the admin API; the "
                        + "configured one is used, the admin registration is kept in {1} but hidden", name, stateFile);
            }
        }
        Registry registry = new Registry(stateFile, java.util.Collections.unmodifiableMap(config), state, namespace, clock);
        LOG.log(Level.INFO, "registry opened: {0} configured and {1} administered upstreams ({2})",
                config.size(), state.admin().size(), stateFile);
        return registry;
    }

    // ------------------------------------------------------------------------------------- registrations

    /**
     * @return every registration, enabled or not, in registration order: configuration first (in
     *         configuration order), then administrator registrations by first registration
     */
    public List<Registration> list() {
        RegistryState s = state;
        List<Registration> out = new ArrayList<>(config.size() + s.admin().size());
        for (Registration r : config.values()) {
            out.add(configured(r, s));
        }
        s.admin().forEach((name, entry) -> {
            if (!config.containsKey(name)) {
                out.add(entry.current());
            }
        });
        return List.copyOf(out);
    }

    /**
     * @param name registered name
     * @return the current registration, if any
     */
    public Optional<Registration> find(String name) {
        return Optional.ofNullable(current(state, name));
    }

    /**
     * Creates an administrator registration, or replaces one by registering a new version (history is
     * kept; pins are kept). Registering exactly the current version again is a no-op that returns it.
     *
     * @param r     the registration, source {@code ADMIN} (see {@link Registration#fromJson})
     * @param actor who is registering (for logs and events)
     * @return the registration now current
     * @throws RegistryException {@code READ_ONLY} when the name is configured; {@code INVALID} when the
     *                           source is not {@code ADMIN}; {@code CONFLICT} when the version was registered
     *                           before with different content or the tool prefix clashes with another
     *                           upstream's; {@code STORAGE} when it cannot be persisted
     */
    public Registration register(Registration r, String actor) {
        Objects.requireNonNull(r, "registration");
        Objects.requireNonNull(actor, "actor");
        if (r.source() != Registration.Source.ADMIN) {
            throw RegistryException.invalid(List.of("source: " + r.source()
                    + " (expected: ADMIN; configured upstreams come from the configuration file)"));
        }
        if (config.containsKey(r.name())) {
            throw new RegistryException(RegistryException.Reason.READ_ONLY,
                    "upstream '" + r.name() + "' is configured; change it in the configuration file");
        }
        RegistryEvent event;
        Registration result;
        lock.lock();
        try {
            RegistryState s = state;
            List<Registration> others = new ArrayList<>();
            for (Registration o : list()) {
                if (!o.name().equals(r.name())) {
                    others.add(o);
                }
            }
            prefixClash(r, others).ifPresent(other -> {
                throw new RegistryException(RegistryException.Reason.CONFLICT, "toolPrefix '" + r.toolPrefix()
                        + "' clashes with '" + other.toolPrefix() + "' of upstream '" + other.name()
                        + "' (expected: no non-empty prefix that starts another)");
            });
            RegistryState.AdminEntry existing = s.admin().get(r.name());
            Map<String, RegistryState.AdminEntry> admin = new LinkedHashMap<>(s.admin());
            if (existing == null) {
                admin.put(r.name(), new RegistryState.AdminEntry(List.of(new RegistryState.Version(r, actor)), r.enabled()));
            } else {
                Registration current = existing.current();
                if (current.sameContent(r) && current.enabled() == r.enabled()) {
                    return current;
                }
                for (RegistryState.Version v : existing.versions()) {
                    if (v.registration().version().equals(r.version())
                            && !(v == existing.versions().getLast() && v.registration().sameContent(r))) {
                        throw new RegistryException(RegistryException.Reason.CONFLICT, "version '" + r.version()
                                + "' of upstream '" + r.name() + "' is already registered with different content"
                                + " (expected: a new version)");
                    }
                }
                List<RegistryState.Version> versions = new ArrayList<>(existing.versions());
                if (versions.getLast().registration().sameContent(r)) {
                    // same version, only the enabled flag differs: not a new version
                    admin.put(r.name(), new RegistryState.AdminEntry(versions, r.enabled()));
                } else {
                    versions.add(new RegistryState.Version(r, actor));
                    admin.put(r.name(), new RegistryState.AdminEntry(versions, r.enabled()));
                }
            }
            RegistryState next = s.withAdmin(admin);
            commit(next);
            result = next.admin().get(r.name()).current();
            event = new RegistryEvent.Registered(r.name(), r.version(), existing != null, actor, clock.instant());
            LOG.log(Level.INFO, "upstream {0} {1} by {2}", result.describe(), existing == null ? "registered" : "replaced",
                    Checks.printable(actor));
            publish(event);
        } finally {
            lock.unlock();
        }
        deliver();
        return result;
    }

    /**
     * Removes an administrator registration with its history, pins and quarantine.
     *
     * @param name  registered name
     * @param actor who is removing it
     * @throws RegistryException {@code NOT_FOUND}; {@code READ_ONLY} for configured upstreams;
     *                           {@code STORAGE}
     */
    public void remove(String name, String actor) {
        Objects.requireNonNull(actor, "actor");
        readOnlyIfConfigured(name, "removed");
        lock.lock();
        try {
            RegistryState s = state;
            if (!s.admin().containsKey(name)) {
                throw notFound(name);
            }
            Map<String, RegistryState.AdminEntry> admin = new LinkedHashMap<>(s.admin());
            admin.remove(name);
            commit(s.withAdmin(admin).withPins(name, null).withQuarantine(name, null));
            health.remove(name);
            LOG.log(Level.INFO, "upstream {0} removed by {1}", name, Checks.printable(actor));
            publish(new RegistryEvent.Removed(name, actor, clock.instant()));
        } finally {
            lock.unlock();
        }
        deliver();
    }

    /**
     * Enables or disables an upstream; a disabled upstream is not contacted and its tools are not offered.
     * Changing nothing is a no-op (no event).
     *
     * @param name    registered name
     * @param enabled the new value
     * @param actor   who is changing it
     * @throws RegistryException {@code NOT_FOUND}; {@code READ_ONLY} when enabling a configured upstream
     *                           that configuration disables; {@code STORAGE}
     */
    public void setEnabled(String name, boolean enabled, String actor) {
        Objects.requireNonNull(actor, "actor");
        lock.lock();
        try {
            RegistryState s = state;
            Registration current = current(s, name);
            if (current == null) {
                throw notFound(name);
            }
            if (current.enabled() == enabled) {
                return;
            }
            Registration configured = config.get(name);
            if (configured != null) {
                if (enabled && !configured.enabled()) {
                    throw new RegistryException(RegistryException.Reason.READ_ONLY, "upstream '" + name
                            + "' is disabled in the configuration file; enable it there");
                }
                Set<String> disabled = new LinkedHashSet<>(s.disabledConfig());
                if (enabled) {
                    disabled.remove(name);
                } else {
                    disabled.add(name);
                }
                commit(s.withDisabledConfig(disabled));
            } else {
                Map<String, RegistryState.AdminEntry> admin = new LinkedHashMap<>(s.admin());
                admin.put(name, new RegistryState.AdminEntry(s.admin().get(name).versions(), enabled));
                commit(s.withAdmin(admin));
            }
            Instant now = clock.instant();
            LOG.log(Level.INFO, "upstream {0} {1} by {2}", name, enabled ? "enabled" : "disabled", Checks.printable(actor));
            publish(enabled ? new RegistryEvent.Enabled(name, actor, now) : new RegistryEvent.Disabled(name, actor, now));
        } finally {
            lock.unlock();
        }
        deliver();
    }

    // ------------------------------------------------------------------------------------------- health

    /**
     * Records the result of a health check. Reports for names that are not registered (for example
     * removed meanwhile) are ignored. A change of status is an event.
     *
     * @param name   registered name
     * @param report the result
     */
    public void reportHealth(String name, Health report) {
        Objects.requireNonNull(report, "health");
        if (current(state, name) == null) {
            return;
        }
        Health previous = health.put(name, report);
        if (previous == null || previous.status() != report.status()) {
            publish(new RegistryEvent.HealthChanged(name, report));
            deliver();
        }
    }

    /**
     * @param name registered name
     * @return {@code DISABLED} for a disabled upstream, else the last report, else {@code UNKNOWN}
     * @throws RegistryException {@code NOT_FOUND}
     */
    public Health health(String name) {
        Registration r = current(state, name);
        if (r == null) {
            throw notFound(name);
        }
        Health last = health.get(name);
        if (!r.enabled()) {
            return new Health(Health.Status.DISABLED, last == null ? startedAt : last.checkedAt(), "disabled",
                    Optional.empty());
        }
        return last == null ? Health.unknown(startedAt) : last;
    }

    // ------------------------------------------------------------------------------------------ pinning

    /**
     * Decides which of an upstream's tools may be offered, given its {@code tools/list} result.
     *
     * <ul>
     *   <li>Each tool's {@link ToolFingerprint fingerprint} covers its whole definition except
     *       {@code _meta}.</li>
     *   <li>The first review of an upstream (pinning {@code strict} or {@code changes-only}) pins every
     *       tool: trust at registration.</li>
     *   <li>Later, a tool whose fingerprint differs from its pin is quarantined ({@code CHANGED}); a tool
     *       with no pin is quarantined ({@code NEW}) under {@code strict}, or pinned and offered under
     *       {@code changes-only}. Pinning {@code off} offers everything.</li>
     *   <li>Tools missing from the list simply disappear; their pins stay, so a reappearance with a
     *       different definition is caught. A quarantined tool that disappears, or comes back matching its
     *       pin, leaves quarantine.</li>
     *   <li>Tools without a usable name (missing, not a string, over 128 characters, containing whitespace
     *       or control characters), repeated names after the first, and definitions with no canonical form
     *       (lone surrogates, non-finite numbers) are never offered and cannot be approved; they are logged
     *       once.</li>
     * </ul>
     *
     * <p>A new quarantine is logged at WARNING with upstream, tool name and both fingerprints (never the
     * description), recorded in {@link #events()} and persisted. An unchanged upstream costs one
     * canonicalisation and SHA-256 per tool, takes no lock and writes nothing.
     *
     * @param upstream registered name
     * @param tools    the tool definitions as the upstream lists them
     * @return approved tools (the same objects, in order) and the tools quarantined now
     * @throws RegistryException {@code NOT_FOUND} for an unregistered upstream (no shadow MCP);
     *                           {@code STORAGE} when new pins or quarantines cannot be persisted (nothing is
     *                           approved then)
     */
    public ToolReview review(String upstream, List<ObjectNode> tools) {
        Registration reg = current(state, upstream);
        if (reg == null) {
            throw notFound(upstream);
        }
        // Fingerprint outside any lock: this is the expensive part and it is pure.
        ToolFingerprint fp = new ToolFingerprint();
        List<Candidate> candidates = new ArrayList<>(tools.size());
        Set<String> seen = new HashSet<>();
        for (ObjectNode tool : tools) {
            JsonNode nameNode = tool.get("name");
            String name = nameNode != null && nameNode.isTextual() ? nameNode.textValue() : null;
            if (name == null || !TOOL_NAME.matcher(name).matches()) {
                warnInvalid(upstream, name, "a missing or unusable name");
                continue;
            }
            if (!seen.add(name)) {
                warnInvalid(upstream, name, "a repeated name");
                continue;
            }
            try {
                candidates.add(new Candidate(name, tool, fp.fingerprint(tool)));
            } catch (IllegalArgumentException e) {
                warnInvalid(upstream, name, "no canonical form (" + e.getMessage() + ")");
            }
        }
        if (reg.pinning() == Registration.Pinning.OFF) {
            if (!state.quarantineOf(upstream).isEmpty()) {
                updateUnderLock(upstream, candidates);
            }
            return new ToolReview(candidates.stream().map(Candidate::tool).toList(), List.of());
        }
        Outcome quick = evaluate(state, upstream, reg, candidates, clock.instant());
        if (!quick.changed()) {
            return quick.review();
        }
        return updateUnderLock(upstream, candidates);
    }

    private ToolReview updateUnderLock(String upstream, List<Candidate> candidates) {
        Outcome outcome;
        lock.lock();
        try {
            RegistryState s = state;
            Registration reg = current(s, upstream);
            if (reg == null) {
                throw notFound(upstream);
            }
            if (reg.pinning() == Registration.Pinning.OFF) {
                commit(s.withQuarantine(upstream, null));
                return new ToolReview(candidates.stream().map(Candidate::tool).toList(), List.of());
            }
            outcome = evaluate(s, upstream, reg, candidates, clock.instant());
            if (outcome.changed()) {
                commit(outcome.next());
                for (QuarantinedTool q : outcome.newlyQuarantined()) {
                    LOG.log(Level.WARNING, "quarantined tool {0} of upstream {1}: {2} (pinned {3}, offered {4})",
                            Checks.printable(q.toolName()), upstream, q.reason(), q.pinnedHash().orElse("none"),
                            q.observedHash());
                    publish(new RegistryEvent.Quarantined(q));
                }
                if (outcome.baselined()) {
                    LOG.log(Level.INFO, "pinned {0} tools of upstream {1} on first review", String.valueOf(candidates.size()), upstream);
                }
            }
        } finally {
            lock.unlock();
        }
        deliver();
        return outcome.review();
    }

    private record Candidate(String name, ObjectNode tool, String hash) {
    }

    private record Outcome(ToolReview review, boolean changed, RegistryState next, List<QuarantinedTool> newlyQuarantined,
                           boolean baselined) {
    }

    /** Pure: what a review means against a given state, and the state it leads to. */
    private static Outcome evaluate(RegistryState s, String upstream, Registration reg, List<Candidate> candidates,
                                    Instant now) {
        RegistryState.Pins pins = s.pins().get(upstream);
        if (pins == null) {
            Map<String, RegistryState.Pin> all = new LinkedHashMap<>();
            for (Candidate c : candidates) {
                all.put(c.name(), new RegistryState.Pin(c.hash(), now, TRUST_ON_FIRST_REVIEW));
            }
            RegistryState next = s.withPins(upstream, new RegistryState.Pins(now, all)).withQuarantine(upstream, null);
            return new Outcome(new ToolReview(candidates.stream().map(Candidate::tool).toList(), List.of()), true, next,
                    List.of(), true);
        }
        Map<String, QuarantinedTool> previous = s.quarantineOf(upstream);
        Map<String, QuarantinedTool> quarantine = new LinkedHashMap<>();
        Map<String, RegistryState.Pin> added = null;
        List<ObjectNode> approved = new ArrayList<>(candidates.size());
        List<QuarantinedTool> fresh = new ArrayList<>();
        for (Candidate c : candidates) {
            RegistryState.Pin pin = pins.tools().get(c.name());
            if (pin != null && pin.hash().equals(c.hash())) {
                approved.add(c.tool());
                continue;
            }
            if (pin == null && reg.pinning() == Registration.Pinning.CHANGES_ONLY) {
                if (added == null) {
                    added = new LinkedHashMap<>();
                }
                added.put(c.name(), new RegistryState.Pin(c.hash(), now, TRUST_ON_SIGHT));
                approved.add(c.tool());
                continue;
            }
            QuarantinedTool before = previous.get(c.name());
            if (before != null && before.observedHash().equals(c.hash())) {
                quarantine.put(c.name(), before);
            } else {
                QuarantinedTool q = pin == null
                        ? new QuarantinedTool(upstream, c.name(), QuarantinedTool.Reason.NEW, Optional.empty(), c.hash(), now, c.tool())
                        : new QuarantinedTool(upstream, c.name(), QuarantinedTool.Reason.CHANGED, Optional.of(pin.hash()),
                                c.hash(), now, c.tool());
                quarantine.put(c.name(), q);
                fresh.add(q);
            }
        }
        boolean quarantineChanged = !quarantine.keySet().equals(previous.keySet()) || !fresh.isEmpty();
        boolean changed = quarantineChanged || added != null;
        RegistryState next = s;
        if (added != null) {
            Map<String, RegistryState.Pin> tools = new HashMap<>(pins.tools());
            tools.putAll(added);
            next = next.withPins(upstream, new RegistryState.Pins(pins.baselinedAt(), tools));
        }
        if (quarantineChanged) {
            next = next.withQuarantine(upstream, quarantine);
        }
        return new Outcome(new ToolReview(approved, List.copyOf(quarantine.values())), changed, next, fresh, false);
    }

    /**
     * Approves a quarantined tool: pins the definition that was under review (not whatever the upstream
     * offers next) and releases it from quarantine.
     *
     * @param upstream registered name
     * @param toolName the tool (unprefixed)
     * @param actor    who approves
     * @throws RegistryException {@code NOT_FOUND} when the upstream or the quarantined tool does not exist;
     *                           {@code STORAGE}
     */
    public void approve(String upstream, String toolName, String actor) {
        Objects.requireNonNull(actor, "actor");
        lock.lock();
        try {
            RegistryState s = state;
            if (current(s, upstream) == null) {
                throw notFound(upstream);
            }
            QuarantinedTool q = s.quarantineOf(upstream).get(toolName);
            if (q == null) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "no quarantined tool '"
                        + Checks.printable(toolName) + "' for upstream '" + upstream + "'");
            }
            approveLocked(s, upstream, List.of(q), actor);
        } finally {
            lock.unlock();
        }
        deliver();
    }

    /**
     * Approves every tool currently quarantined for an upstream (a no-op when there are none).
     *
     * @param upstream registered name
     * @param actor    who approves
     * @throws RegistryException {@code NOT_FOUND}; {@code STORAGE}
     */
    public void approveAll(String upstream, String actor) {
        Objects.requireNonNull(actor, "actor");
        lock.lock();
        try {
            RegistryState s = state;
            if (current(s, upstream) == null) {
                throw notFound(upstream);
            }
            List<QuarantinedTool> all = List.copyOf(s.quarantineOf(upstream).values());
            if (!all.isEmpty()) {
                approveLocked(s, upstream, all, actor);
            }
        } finally {
            lock.unlock();
        }
        deliver();
    }

    private void approveLocked(RegistryState s, String upstream, List<QuarantinedTool> approved, String actor) {
        Instant now = clock.instant();
        RegistryState.Pins pins = s.pins().get(upstream);
        Map<String, RegistryState.Pin> tools = new HashMap<>(pins == null ? Map.of() : pins.tools());
        Map<String, QuarantinedTool> quarantine = new LinkedHashMap<>(s.quarantineOf(upstream));
        for (QuarantinedTool q : approved) {
            tools.put(q.toolName(), new RegistryState.Pin(q.observedHash(), now, actor));
            quarantine.remove(q.toolName());
        }
        commit(s.withPins(upstream, new RegistryState.Pins(pins == null ? now : pins.baselinedAt(), tools))
                .withQuarantine(upstream, quarantine));
        for (QuarantinedTool q : approved) {
            LOG.log(Level.INFO, "tool {0} of upstream {1} approved by {2}, pinned {3}", Checks.printable(q.toolName()),
                    upstream, Checks.printable(actor), q.observedHash());
            publish(new RegistryEvent.Approved(upstream, q.toolName(), q.observedHash(), actor, now));
        }
    }

    /**
     * @param upstream registered name
     * @return the tools currently withheld, in detection order
     * @throws RegistryException {@code NOT_FOUND}
     */
    public List<QuarantinedTool> quarantined(String upstream) {
        RegistryState s = state;
        if (current(s, upstream) == null) {
            throw notFound(upstream);
        }
        return List.copyOf(s.quarantineOf(upstream).values());
    }

    /**
     * @param upstream registered name
     * @return pinned fingerprints by tool name (empty before the first review)
     * @throws RegistryException {@code NOT_FOUND}
     */
    public Map<String, String> pins(String upstream) {
        RegistryState s = state;
        if (current(s, upstream) == null) {
            throw notFound(upstream);
        }
        RegistryState.Pins p = s.pins().get(upstream);
        Map<String, String> out = new java.util.TreeMap<>();
        if (p != null) {
            p.tools().forEach((k, v) -> out.put(k, v.hash()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    // ------------------------------------------------------------------------------------------- events

    /**
     * Registers a listener for every later change. Listeners must be quick and must not throw (a throwing
     * listener is logged and the others still run).
     *
     * @param listener called once per event
     */
    public void onChange(Consumer<RegistryEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @return the most recent events (up to 1,000, oldest first), kept in memory */
    public List<RegistryEvent> events() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    // ---------------------------------------------------------------------------------- v0.1 read views

    /** @return the namespace of server names in the v0.1 API */
    public String namespace() {
        return namespace;
    }

    /**
     * One page of {@code GET /v0.1/servers}: the latest version of every registration, sorted by server
     * name, as {@code {"servers": [ServerResponse...], "metadata": {"count": n, "nextCursor": "..."}}}
     * ({@code nextCursor} only when more follow).
     *
     * @param cursor {@code metadata.nextCursor} of the previous page, or {@code null} for the first
     * @param limit  page size, 1..100
     * @param search case-insensitive substring of the server name, or {@code null}/empty for all
     * @return the page
     * @throws RegistryException {@code INVALID} for a malformed cursor or a limit out of range
     */
    public ObjectNode serversPage(String cursor, int limit, String search) {
        return views.serversPage(cursor, limit, search);
    }

    /**
     * {@code GET /v0.1/servers/{serverName}/versions}: every version, newest first.
     *
     * @param serverName {@code <namespace>/<name>}, already URL-decoded
     * @return the server list, or empty when there is no such server
     */
    public Optional<ObjectNode> versions(String serverName) {
        return views.versions(serverName);
    }

    /**
     * {@code GET /v0.1/servers/{serverName}/versions/{version}}.
     *
     * @param serverName {@code <namespace>/<name>}, already URL-decoded
     * @param version    a registered version, or {@code latest}
     * @return the ServerResponse, or empty when there is no such server or version
     */
    public Optional<ObjectNode> version(String serverName, String version) {
        return views.version(serverName, version);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A consistent snapshot for the views: (current, history oldest first) per live registration. */
    List<Snapshot> snapshot() {
        RegistryState s = state;
        List<Snapshot> out = new ArrayList<>();
        for (Registration r : list()) {
            RegistryState.AdminEntry entry = config.containsKey(r.name()) ? null : s.admin().get(r.name());
            List<Registration> history = entry == null ? List.of(r)
                    : entry.versions().stream().map(RegistryState.Version::registration).toList();
            RegistryState.Pins pins = s.pins().get(r.name());
            out.add(new Snapshot(r, history, health(r.name()), pins == null ? 0 : pins.tools().size(),
                    s.quarantineOf(r.name()).size()));
        }
        return out;
    }

    record Snapshot(Registration current, List<Registration> history, Health health, int pinned, int quarantined) {
    }

    private Registration current(RegistryState s, String name) {
        if (name == null) {
            return null;
        }
        Registration c = config.get(name);
        if (c != null) {
            return configured(c, s);
        }
        RegistryState.AdminEntry e = s.admin().get(name);
        return e == null ? null : e.current();
    }

    private static Registration configured(Registration r, RegistryState s) {
        return r.enabled() && s.disabledConfig().contains(r.name()) ? r.withEnabled(false) : r;
    }

    private static Optional<Registration> prefixClash(Registration r, Iterable<Registration> others) {
        if (r.toolPrefix().isEmpty()) {
            return Optional.empty();
        }
        for (Registration o : others) {
            if (o != r && !o.name().equals(r.name()) && !o.toolPrefix().isEmpty()
                    && (o.toolPrefix().startsWith(r.toolPrefix()) || r.toolPrefix().startsWith(o.toolPrefix()))) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private void readOnlyIfConfigured(String name, String verb) {
        if (config.containsKey(name)) {
            throw new RegistryException(RegistryException.Reason.READ_ONLY,
                    "upstream '" + name + "' is configured and cannot be " + verb + " through the API");
        }
    }

    private static RegistryException notFound(String name) {
        return new RegistryException(RegistryException.Reason.NOT_FOUND, "no upstream '" + Checks.printable(name) + "'");
    }

    /** Persists, then publishes the new state. Called with the lock held. */
    private void commit(RegistryState next) {
        next.write(stateFile); // throws STORAGE, leaving `state` untouched
        state = next;
    }

    private void publish(RegistryEvent event) {
        synchronized (recent) {
            if (recent.size() == EVENT_LIMIT) {
                recent.removeFirst();
            }
            recent.addLast(event);
        }
        outbox.add(event);
    }

    /** Delivers queued events in order, never while the registry lock is held by this thread. */
    private void deliver() {
        while (!outbox.isEmpty() && !lock.isHeldByCurrentThread() && delivery.tryLock()) {
            try {
                RegistryEvent e;
                while ((e = outbox.poll()) != null) {
                    for (Consumer<RegistryEvent> l : listeners) {
                        try {
                            l.accept(e);
                        } catch (RuntimeException ex) {
                            LOG.log(Level.ERROR, "registry listener failed on " + e.getClass().getSimpleName(), ex);
                        }
                    }
                }
            } finally {
                delivery.unlock();
            }
        }
    }

    private void warnInvalid(String upstream, String name, String why) {
        String key = upstream + "\0" + name + "\0" + why;
        if (warnedInvalid.size() < 10_000 && warnedInvalid.add(key)) {
            LOG.log(Level.WARNING, "upstream {0} lists a tool {1} with {2}; it is not offered", upstream,
                    name == null ? "(unnamed)" : Checks.printable(name), why);
        }
    }
}
