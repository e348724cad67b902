package dev.portcullis.server.mcp;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The aggregated view over several upstreams: lists are fetched from each upstream (all pages), tools
 * pass the pinning check, and tool and prompt names get the upstream's prefix on the aggregated
 * endpoint. Names are kept within {@code [A-Za-z0-9_.-]} and 128 characters: a name that would break
 * either rule is sanitised and suffixed with a hash of the original, and a name already taken by an
 * earlier upstream is left out (first registered wins) with a warning, so the view is always
 * collision-free. Resource URIs are not renamed; reads are routed by exact URI, then by template.
 */
final class Catalog {
    private static final System.Logger LOGGER = System.getLogger(Catalog.class.getName());
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /** Bounds on one upstream's list of one kind: a larger one is refused whole (never offered in part). */
    static final int MAX_PAGES = 1000;
    static final int MAX_ITEMS = 10_000;

    private final UpstreamDirectory directory;

    Catalog(UpstreamDirectory directory) {
        this.directory = directory;
    }

    /** The kinds of lists an upstream serves. */
    enum Kind {
        TOOLS("tools/list", "tools", "tools", "name"),
        PROMPTS("prompts/list", "prompts", "prompts", "name"),
        RESOURCES("resources/list", "resources", "resources", "uri"),
        TEMPLATES("resources/templates/list", "resourceTemplates", "resources", "uriTemplate");

        final String method;
        final String field;
        final String capability;
        /** The member that identifies an item of this kind. */
        final String key;

        Kind(String method, String field, String capability, String key) {
            this.method = method;
            this.field = field;
            this.capability = capability;
            this.key = key;
        }
    }

    /**
     * Which upstreams a request sees: all enabled ones ({@code /mcp}) or one ({@code /mcp/{name}}).
     *
     * @param single the one upstream, or empty for the aggregated view
     */
    record Scope(Optional<String> single) {
        static final Scope ALL = new Scope(Optional.empty());

        boolean aggregated() {
            return single.isEmpty();
        }

        String key() {
            return single.orElse("*");
        }
    }

    /** Where an exposed name leads. */
    record Route(UpstreamSpec upstream, String original) {
    }

    /** What one upstream listed, per kind, fetched lazily, with name indexes built once per list. */
    static final class Listing {
        final Map<Kind, SharedList> items = new ConcurrentHashMap<>();

        /**
         * The list of one kind by name: as the upstream lists them ({@code prefix} null) or as the aggregated
         * endpoint exposes them, so a call finds its tool in constant time however many tools the upstreams list.
         *
         * @return the index, or null when the list was not fetched yet
         */
        Names names(Kind kind, String prefix) {
            SharedList list = items.get(kind);
            return list == null ? null : list.names(kind, prefix);
        }
    }

    /** One list's names, or URIs for resources (first item of a name wins, as in the list the client sees). */
    static final class Names {
        private final String key;
        private final Map<String, ObjectNode> items = new java.util.HashMap<>();

        private Names(List<ObjectNode> source, String prefix, Kind kind) {
            this.key = kind.key;
            for (ObjectNode item : source) {
                String original = item.path(key).asText("");
                if (!original.isEmpty()) {
                    items.putIfAbsent(prefix == null ? original : exposedName(prefix, original), item);
                }
            }
        }

        /** @return the upstream's name behind {@code name}, or null */
        String original(String name) {
            ObjectNode item = items.get(name);
            return item == null ? null : item.path(key).asText();
        }

        /** @return the listed item named {@code name}, or null */
        ObjectNode item(String name) {
            return items.get(name);
        }
    }

    /** An unmodifiable list held once for all sessions that fetched an equal one, with its name indexes. */
    static final class SharedList extends java.util.AbstractList<ObjectNode> implements java.util.RandomAccess {
        static final SharedList EMPTY = new SharedList(List.of());
        private final ObjectNode[] items;
        /** By kind: names as listed (a race builds an equal index twice, harmlessly). */
        private final Names[] asListed = new Names[Kind.values().length];
        /** By kind, then prefix; a list is exposed under one prefix or a few, so these stay small. */
        private final List<Map<String, Names>> exposed = new ArrayList<>();

        private SharedList(List<ObjectNode> items) {
            this.items = items.toArray(new ObjectNode[0]);
            for (int i = 0; i < Kind.values().length; i++) {
                exposed.add(new ConcurrentHashMap<>());
            }
        }

        @Override
        public ObjectNode get(int index) {
            return items[index];
        }

        @Override
        public int size() {
            return items.length;
        }

        Names names(Kind kind, String prefix) {
            if (prefix != null) {
                return exposed.get(kind.ordinal()).computeIfAbsent(prefix, p -> new Names(this, p, kind));
            }
            Names names = asListed[kind.ordinal()];
            if (names == null) {
                names = new Names(this, null, kind);
                asListed[kind.ordinal()] = names;
            }
            return names;
        }
    }

    List<UpstreamSpec> upstreams(Scope scope) throws McpError {
        if (scope.aggregated()) {
            return directory.enabled();
        }
        return List.of(directory.find(scope.single().get()).orElseThrow(() -> McpErrors.error(McpError.INVALID_PARAMS,
                "Unknown upstream.", "upstream-not-found")));
    }

    /**
     * The merged list of one kind, in the client's view.
     *
     * @param set   the caller's connections
     * @param scope what the caller sees
     * @param kind  which list
     * @return the items (renamed where the scope needs it)
     * @throws McpError when the only upstream in scope is unavailable
     */
    List<ObjectNode> list(ConnectionSet set, Scope scope, Kind kind) throws McpError {
        return list(set, scope, kind, (spec, item) -> true);
    }

    /**
     * The merged list of one kind, keeping only the items a filter accepts (the caller's policy view).
     *
     * @param set     the caller's connections
     * @param scope   what the caller sees
     * @param kind    which list
     * @param visible asked with each upstream item before renaming
     * @return the visible items
     * @throws McpError when the only upstream in scope is unavailable
     */
    List<ObjectNode> list(ConnectionSet set, Scope scope, Kind kind,
                          java.util.function.BiPredicate<UpstreamSpec, ObjectNode> visible) throws McpError {
        return list(set, scope, kind, visible, (spec, copy) -> { });
    }

    /**
     * The merged list of one kind, as {@link #list(ConnectionSet, Scope, Kind, java.util.function.BiPredicate)}, with
     * each tool or prompt adjusted for the caller after renaming.
     *
     * @param set     the caller's connections
     * @param scope   what the caller sees
     * @param kind    which list
     * @param visible asked with each upstream item before renaming
     * @param adjust  given each tool or prompt's own top-level copy; nested values are shared with the cached item
     *                and must be replaced, never changed
     * @return the visible items
     * @throws McpError when the only upstream in scope is unavailable
     */
    List<ObjectNode> list(ConnectionSet set, Scope scope, Kind kind,
                          java.util.function.BiPredicate<UpstreamSpec, ObjectNode> visible,
                          java.util.function.BiConsumer<UpstreamSpec, ObjectNode> adjust) throws McpError {
        List<UpstreamSpec> upstreams = upstreams(scope);
        Map<UpstreamSpec, SharedList> fetched = fetchAll(set, upstreams, kind, !scope.aggregated());
        List<ObjectNode> out = new ArrayList<>();
        Map<String, Route> routes = new LinkedHashMap<>();
        for (UpstreamSpec spec : upstreams) {
            for (ObjectNode item : fetched.getOrDefault(spec, SharedList.EMPTY)) {
                if (!visible.test(spec, item)) {
                    continue;
                }
                if (kind == Kind.TOOLS || kind == Kind.PROMPTS) {
                    String original = item.path("name").asText("");
                    String exposed = scope.aggregated() ? exposedName(spec.toolPrefix(), original) : original;
                    if (original.isEmpty() || routes.containsKey(exposed)) {
                        if (!original.isEmpty()) {
                            LOGGER.log(System.Logger.Level.WARNING, kind.name().toLowerCase() + " name '" + exposed
                                    + "' of upstream " + spec.name() + " collides with an earlier upstream; hidden");
                        }
                        continue;
                    }
                    routes.put(exposed, new Route(spec, original));
                    ObjectNode copy = JsonRpc.copyOuter(item); // items are shared: rename a copy of the top level
                    copy.put("name", exposed);
                    adjust.accept(spec, copy);
                    out.add(copy);
                } else {
                    out.add(item);
                }
            }
        }
        return out;
    }

    /**
     * Finds the upstream and original name behind an exposed tool or prompt name.
     *
     * @param set   the caller's connections
     * @param scope the caller's view
     * @param kind  TOOLS or PROMPTS
     * @param name  the exposed name
     * @return the route
     * @throws McpError {@code -32602} for unknown names; a quarantine error for held tools
     */
    Route resolve(ConnectionSet set, Scope scope, Kind kind, String name) throws McpError {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (UpstreamSpec spec : upstreams(scope)) {
                String original;
                if (scope.aggregated()) {
                    if (!name.startsWith(spec.toolPrefix())) {
                        continue;
                    }
                    original = name.substring(spec.toolPrefix().length());
                } else {
                    original = name;
                }
                Names names = set.listing(spec.name())
                        .map(l -> l.names(kind, scope.aggregated() ? spec.toolPrefix() : null)).orElse(null);
                if (names == null) {
                    continue;
                }
                String listedAs = names.original(name);
                if (listedAs != null) {
                    return new Route(spec, listedAs);
                }
                if (kind == Kind.TOOLS && directory.quarantined(spec.name(), original)) {
                    throw McpErrors.error(McpErrors.QUARANTINED, "Tool '" + name
                            + "' is unavailable: its definition changed upstream and awaits administrator approval.",
                            "tool-quarantined");
                }
            }
            if (attempt == 0) {
                // the caller may not have listed yet, or the upstream changed: refresh once
                for (UpstreamSpec spec : upstreams(scope)) {
                    set.invalidate(spec.name());
                }
                list(set, scope, kind);
            }
        }
        String what = kind == Kind.TOOLS ? "tool" : "prompt";
        throw McpErrors.error(McpError.INVALID_PARAMS, "Unknown " + what + ": " + name, what + "-not-found");
    }

    /**
     * @param spec     the upstream
     * @param original the tool's upstream name
     * @return whether the tool's definition changed upstream and awaits an administrator's approval
     */
    boolean quarantined(UpstreamSpec spec, String original) {
        return directory.quarantined(spec.name(), original);
    }

    /**
     * The item an upstream listed, as the policy is asked about it: the listed item, or one naming it alone when
     * the caller's listing no longer holds it.
     *
     * @param set      the caller's connections
     * @param spec     the upstream
     * @param kind     TOOLS or PROMPTS
     * @param original the upstream's name
     * @return the item
     */
    ObjectNode item(ConnectionSet set, UpstreamSpec spec, Kind kind, String original) {
        return set.listing(spec.name()).map(l -> l.names(kind, null)).map(names -> names.item(original))
                .orElseGet(() -> JsonRpc.mapper().createObjectNode().put("name", original));
    }

    /**
     * Finds the upstream serving a resource URI.
     *
     * @param set   the caller's connections
     * @param scope the caller's view
     * @param uri   resource URI
     * @return the upstream, or empty when none lists or templates it
     */
    Optional<UpstreamSpec> resolveResource(ConnectionSet set, Scope scope, String uri) throws McpError {
        List<UpstreamSpec> upstreams = upstreams(scope);
        if (upstreams.size() == 1) {
            return Optional.of(upstreams.getFirst());
        }
        Map<UpstreamSpec, SharedList> resources = fetchAll(set, upstreams, Kind.RESOURCES, false);
        for (UpstreamSpec spec : upstreams) {
            if (resources.getOrDefault(spec, SharedList.EMPTY).names(Kind.RESOURCES, null).item(uri) != null) {
                return Optional.of(spec);
            }
        }
        Map<UpstreamSpec, SharedList> templates = fetchAll(set, upstreams, Kind.TEMPLATES, false);
        for (UpstreamSpec spec : upstreams) {
            for (ObjectNode t : templates.getOrDefault(spec, SharedList.EMPTY)) {
                String template = t.path("uriTemplate").asText(null);
                if (template != null && UriTemplates.matches(template, uri)) {
                    return Optional.of(spec);
                }
            }
        }
        return Optional.empty();
    }

    private Map<UpstreamSpec, SharedList> fetchAll(ConnectionSet set, List<UpstreamSpec> upstreams, Kind kind,
                                                         boolean failOnError) throws McpError {
        Map<UpstreamSpec, SharedList> result = new LinkedHashMap<>();
        if (upstreams.size() == 1) {
            UpstreamSpec spec = upstreams.getFirst();
            try {
                result.put(spec, fetch(set, spec, kind));
            } catch (McpError e) {
                if (failOnError) {
                    throw e;
                }
                LOGGER.log(System.Logger.Level.WARNING, "Listing " + kind.method + " of " + spec.name() + " failed: " + e.getMessage());
            }
            return result;
        }
        for (UpstreamSpec spec : upstreams) { // usually every list is cached: no threads needed
            SharedList cached = set.listing(spec.name()).map(l -> l.items.get(kind)).orElse(null);
            if (cached == null) {
                result.clear();
                break;
            }
            result.put(spec, cached);
        }
        if (result.size() == upstreams.size()) {
            return result;
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<UpstreamSpec, Future<SharedList>> futures = new LinkedHashMap<>();
            for (UpstreamSpec spec : upstreams) {
                futures.put(spec, pool.submit(() -> fetch(set, spec, kind)));
            }
            for (Map.Entry<UpstreamSpec, Future<SharedList>> e : futures.entrySet()) {
                try {
                    result.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    if (failOnError && ex.getCause() instanceof McpError error) {
                        throw error;
                    }
                    LOGGER.log(System.Logger.Level.WARNING, "Listing " + kind.method + " of " + e.getKey().name()
                            + " failed: " + ex.getCause().getMessage());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new McpError(McpError.INTERNAL_ERROR, "Interrupted.");
                }
            }
        }
        return result;
    }

    private SharedList fetch(ConnectionSet set, UpstreamSpec spec, Kind kind) throws McpError {
        Optional<Listing> cached = set.listing(spec.name());
        if (cached.isPresent() && cached.get().items.containsKey(kind)) {
            return cached.get().items.get(kind);
        }
        UpstreamConnection connection = set.connection(spec);
        List<ObjectNode> items = new ArrayList<>();
        if (connection.serverCapabilities().has(kind.capability)) {
            String cursor = null;
            for (int page = 0; ; page++) {
                if (page == MAX_PAGES) {
                    throw tooLarge(spec, kind, "in more than " + MAX_PAGES + " pages");
                }
                ObjectNode params = JsonRpc.mapper().createObjectNode();
                if (cursor != null) {
                    params.put("cursor", cursor);
                }
                JsonNode result = connection.request(kind.method, params, set.quietExchange());
                for (JsonNode item : result.path(kind.field)) {
                    if (item instanceof ObjectNode object) {
                        items.add(object);
                    }
                }
                if (items.size() > MAX_ITEMS) {
                    throw tooLarge(spec, kind, "more than " + MAX_ITEMS + " of them");
                }
                JsonNode next = result.get("nextCursor");
                if (next == null || !next.isTextual() || next.asText().isEmpty()) {
                    break;
                }
                cursor = next.asText();
            }
        }
        List<ObjectNode> kept = kind == Kind.TOOLS ? directory.approvedTools(spec.name(), items) : items;
        Listing listing = set.listing(spec.name()).orElseGet(Listing::new);
        listing.items.put(kind, shared(kept));
        set.listing(spec.name(), listing);
        return listing.items.get(kind);
    }

    private static McpError tooLarge(UpstreamSpec spec, Kind kind, String how) {
        String message = "Upstream '" + spec.name() + "' lists its " + kind.field + " " + how + "; none are offered.";
        LOGGER.log(System.Logger.Level.WARNING, message);
        return McpErrors.error(McpErrors.UPSTREAM_UNAVAILABLE, message, "upstream-list-too-large");
    }

    /**
     * Every session keeps its upstreams' lists, and most sessions see the same items: without sharing, a thousand
     * tools on two upstreams held about 2 MB per session (10,000 sessions would need 20 GB). Items equal in content
     * are held once, for as long as some list refers to them. Listed items are read-only from here on: whoever
     * needs to change one (renaming for the aggregated view) changes a copy.
     */
    private static final Map<ObjectNode, WeakReference<ObjectNode>> SHARED = new WeakHashMap<>();

    private static final Map<SharedList, WeakReference<SharedList>> SHARED_LISTS = new WeakHashMap<>();

    /**
     * @return an unmodifiable list of the items, each replaced by an equal one already held if there is one, and the
     *         list itself replaced by an equal one already held (with the indexes built for it) if there is one
     */
    static SharedList shared(List<ObjectNode> items) {
        List<ObjectNode> out = new ArrayList<>(items.size());
        synchronized (SHARED) {
            for (ObjectNode item : items) {
                out.add(held(SHARED, item));
            }
            return held(SHARED_LISTS, new SharedList(out));
        }
    }

    /** @return the value held already that equals {@code value}, else {@code value}, now held */
    private static <T> T held(Map<T, WeakReference<T>> holder, T value) {
        WeakReference<T> ref = holder.get(value);
        T known = ref == null ? null : ref.get();
        if (known != null) {
            return known;
        }
        holder.put(value, new WeakReference<>(value));
        return value;
    }

    /**
     * The aggregated name of a tool or prompt.
     *
     * @param prefix   the upstream's prefix
     * @param original the upstream's name
     * @return a name within {@code [A-Za-z0-9_.-]{1,128}}
     */
    static String exposedName(String prefix, String original) {
        String candidate = prefix + original;
        if (VALID_NAME.matcher(candidate).matches()) {
            return candidate;
        }
        String sanitized = candidate.replaceAll("[^A-Za-z0-9_.-]", "_");
        String suffix = "_" + shortHash(original);
        int keep = Math.min(sanitized.length(), 128 - suffix.length());
        return sanitized.substring(0, keep) + suffix;
    }

    private static String shortHash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
