package dev.portcullis.personas;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a policy bundle from YAML, checking it against the published schema
 * ({@code dev/portcullis/personas/policy.schema.json}) and the rules a schema cannot express
 * (references between personas and bindings, rates, time zones). Every problem is reported with file,
 * line, column and key; nothing is loaded unless the whole file is valid. Warnings (a rule that can
 * never match) do not stop loading; they are returned with the bundle.
 */
public final class PolicyLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Set<String> RULE_KEYS = Set.of("upstreams", "tools", "tags", "operations", "access",
            "resources", "prompts", "models");
    private static final Set<String> ROOT_KEYS = Set.of("version", "bindings", "personas", "entitlements");
    private static final Set<String> BINDING_KEYS = Set.of("precedence", "client-ids", "group-prefix");
    private static final Set<String> PERSONA_KEYS = union(RULE_KEYS, "name", "description", "scopes", "dlp-profile",
            "rate-limits", "hours");
    private static final Set<String> ENTITLEMENT_KEYS = Set.of("name", "groups", "subjects", "grants");
    private static final Set<String> GRANT_KEYS = union(RULE_KEYS, "require-scope");
    private static final Set<String> LIMIT_KEYS = Set.of("per-person", "per-tool", "per-persona");
    private static final Set<String> HOURS_KEYS = Set.of("zone", "days", "from", "to");
    private static final int MAX_BYTES = 16 * 1024 * 1024;

    private final String file;
    private final List<PolicyProblem> errors = new ArrayList<>();
    private final List<PolicyProblem> warnings = new ArrayList<>();

    private PolicyLoader(String file) {
        this.file = file;
    }

    /**
     * A loaded bundle and the warnings found while loading it.
     *
     * @param bundle   the bundle
     * @param warnings suspicious but legal content
     */
    public record Loaded(PolicyBundle bundle, List<PolicyProblem> warnings) {
        /** Copies. */
        public Loaded {
            java.util.Objects.requireNonNull(bundle, "bundle");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Loads a bundle file.
     *
     * @param path the YAML file
     * @return the bundle and warnings
     * @throws PolicyException when the file cannot be read or is invalid (all problems listed)
     */
    public static Loaded load(Path path) throws PolicyException {
        String name = path.toString();
        String text;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new PolicyException(List.of(new PolicyProblem(name, 1, 1, "", "file larger than 16 MiB")));
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(name, 1, 1, "", "cannot read: " + e.getMessage())));
        }
        return parse(name, text);
    }

    /**
     * Loads a bundle from text.
     *
     * @param file name for messages
     * @param text the YAML
     * @return the bundle and warnings
     * @throws PolicyException when invalid (all problems listed)
     */
    public static Loaded parse(String file, String text) throws PolicyException {
        return new PolicyLoader(file).read(new StringReader(text));
    }

    private Loaded read(Reader reader) throws PolicyException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new PolicyException(List.of(new PolicyProblem(file, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, "", "not valid YAML: " + e.getProblem())));
        } catch (YAMLException e) {
            throw new PolicyException(List.of(new PolicyProblem(file, 1, 1, "", "not valid YAML: " + e.getMessage())));
        }
        if (root == null) {
            throw new PolicyException(List.of(new PolicyProblem(file, 1, 1, "", "empty file (expected: a policy bundle)")));
        }
        PolicyBundle bundle = bundle(root);
        if (!errors.isEmpty() || bundle == null) {
            throw new PolicyException(errors);
        }
        return new Loaded(bundle, warnings);
    }

    private PolicyBundle bundle(Node root) {
        Map<String, NodeTuple> top = mapping(root, "", ROOT_KEYS);
        if (top == null) {
            return null;
        }
        NodeTuple version = top.get("version");
        if (version == null) {
            error(root, "version", "missing (expected: 1)");
        } else if (!(version.getValueNode() instanceof ScalarNode s) || !"1".equals(s.getValue())) {
            error(version.getValueNode(), "version", "unsupported (expected: 1)");
        }
        Bindings bindings = bindings(top.get("bindings"));
        List<Persona> personas = new ArrayList<>();
        Set<String> personaNames = new HashSet<>();
        NodeTuple ps = top.get("personas");
        if (ps != null) {
            List<Node> items = sequence(ps.getValueNode(), "personas");
            for (int i = 0; i < items.size(); i++) {
                Persona p = persona(items.get(i), "personas[" + i + "]");
                if (p != null) {
                    if (!personaNames.add(p.name())) {
                        error(items.get(i), "personas[" + i + "].name", "duplicate persona '" + p.name() + "'");
                    }
                    personas.add(p);
                }
            }
        }
        List<Entitlement> entitlements = new ArrayList<>();
        Set<String> entNames = new HashSet<>();
        NodeTuple es = top.get("entitlements");
        if (es != null) {
            List<Node> items = sequence(es.getValueNode(), "entitlements");
            for (int i = 0; i < items.size(); i++) {
                Entitlement e = entitlement(items.get(i), "entitlements[" + i + "]");
                if (e != null) {
                    if (!entNames.add(e.name())) {
                        error(items.get(i), "entitlements[" + i + "].name", "duplicate entitlement '" + e.name() + "'");
                    }
                    entitlements.add(e);
                }
            }
        }
        if (bindings != null && top.get("bindings") != null) {
            NodeTuple ids = null;
            if (top.get("bindings").getValueNode() instanceof MappingNode bm) {
                for (NodeTuple t : bm.getValue()) {
                    if ("client-ids".equals(scalarText(t.getKeyNode()))) {
                        ids = t;
                    }
                }
            }
            if (ids != null && ids.getValueNode() instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    String persona = scalarText(t.getValueNode());
                    if (persona != null && !personaNames.contains(persona)) {
                        error(t.getValueNode(), "bindings.client-ids." + scalarText(t.getKeyNode()),
                                "persona '" + persona + "' is not defined under personas");
                    }
                }
            }
        }
        if (personas.isEmpty() && errors.isEmpty()) {
            warn(root, "personas", "no personas: every request will be denied");
        }
        if (!errors.isEmpty() || bindings == null) {
            return null;
        }
        return PolicyBundle.of(file, entitlements, personas, bindings);
    }

    private Bindings bindings(NodeTuple tuple) {
        List<Bindings.Source> precedence = Bindings.DEFAULT_PRECEDENCE;
        Map<String, String> clientIds = Map.of();
        String prefix = "persona:";
        if (tuple == null) {
            return new Bindings(precedence, clientIds, prefix);
        }
        Map<String, NodeTuple> m = mapping(tuple.getValueNode(), "bindings", BINDING_KEYS);
        if (m == null) {
            return null;
        }
        if (m.containsKey("precedence")) {
            List<Bindings.Source> list = new ArrayList<>();
            for (Node n : sequence(m.get("precedence").getValueNode(), "bindings.precedence")) {
                String key = scalar(n, "bindings.precedence");
                Bindings.Source s = key == null ? null : Bindings.Source.ofKey(key);
                if (key != null && s == null) {
                    error(n, "bindings.precedence", "'" + key + "' (expected: client-id, group or claim)");
                } else if (s != null && list.contains(s)) {
                    error(n, "bindings.precedence", "'" + key + "' listed twice");
                } else if (s != null) {
                    list.add(s);
                }
            }
            precedence = list;
        }
        if (m.containsKey("client-ids")) {
            Node n = m.get("client-ids").getValueNode();
            Map<String, String> ids = new LinkedHashMap<>();
            if (n instanceof MappingNode mn) {
                checkDuplicates(mn, "bindings.client-ids");
                for (NodeTuple t : mn.getValue()) {
                    String k = scalar(t.getKeyNode(), "bindings.client-ids");
                    String v = scalar(t.getValueNode(), "bindings.client-ids." + k);
                    if (k != null && v != null) {
                        ids.put(k, v);
                    }
                }
            } else {
                error(n, "bindings.client-ids", "expected a mapping of client id to persona");
            }
            clientIds = ids;
        }
        if (m.containsKey("group-prefix")) {
            String p = scalar(m.get("group-prefix").getValueNode(), "bindings.group-prefix");
            if (p != null && p.isEmpty()) {
                error(m.get("group-prefix").getValueNode(), "bindings.group-prefix", "empty (expected: e.g. persona:)");
            } else if (p != null) {
                prefix = p;
            }
        }
        return prefix.isEmpty() ? null : new Bindings(precedence, clientIds, prefix);
    }

    private Persona persona(Node node, String key) {
        Map<String, NodeTuple> m = mapping(node, key, PERSONA_KEYS);
        if (m == null) {
            return null;
        }
        String name = name(node, m, key);
        String description = m.containsKey("description") ? orEmpty(scalar(m.get("description").getValueNode(),
                key + ".description")) : "";
        Rules rules = rules(node, m, key);
        Optional<Set<String>> scopes = m.containsKey("scopes")
                ? Optional.of(new LinkedHashSet<>(strings(m.get("scopes").getValueNode(), key + ".scopes")))
                : Optional.empty();
        Optional<String> dlp = m.containsKey("dlp-profile")
                ? Optional.ofNullable(scalar(m.get("dlp-profile").getValueNode(), key + ".dlp-profile"))
                : Optional.empty();
        RateLimits limits = RateLimits.NONE;
        if (m.containsKey("rate-limits")) {
            Map<String, NodeTuple> l = mapping(m.get("rate-limits").getValueNode(), key + ".rate-limits", LIMIT_KEYS);
            if (l != null) {
                limits = new RateLimits(rate(l, "per-person", key), rate(l, "per-tool", key),
                        rate(l, "per-persona", key));
            }
        }
        Optional<Hours> hours = m.containsKey("hours") ? hours(m.get("hours").getValueNode(), key + ".hours")
                : Optional.empty();
        if (name == null || rules == null) {
            return null;
        }
        if (rules.tools().isEmpty() && rules.tags().isEmpty() && rules.operations().isEmpty()
                && rules.resources().isEmpty() && rules.prompts().isEmpty() && rules.models().isEmpty()) {
            warn(node, key, "persona '" + name + "' allows nothing");
        }
        return new Persona(name, description, rules, scopes, dlp, limits, hours);
    }

    private Entitlement entitlement(Node node, String key) {
        Map<String, NodeTuple> m = mapping(node, key, ENTITLEMENT_KEYS);
        if (m == null) {
            return null;
        }
        String name = name(node, m, key);
        List<String> groups = m.containsKey("groups") ? strings(m.get("groups").getValueNode(), key + ".groups") : List.of();
        List<String> subjects = m.containsKey("subjects")
                ? strings(m.get("subjects").getValueNode(), key + ".subjects") : List.of();
        if (groups.isEmpty() && subjects.isEmpty()) {
            warn(node, key, "entitlement grants to no group and no subject");
        }
        List<Grant> grants = new ArrayList<>();
        if (!m.containsKey("grants")) {
            error(node, key + ".grants", "missing (expected: a list of grants)");
        } else {
            List<Node> items = sequence(m.get("grants").getValueNode(), key + ".grants");
            for (int i = 0; i < items.size(); i++) {
                String gk = key + ".grants[" + i + "]";
                Map<String, NodeTuple> g = mapping(items.get(i), gk, GRANT_KEYS);
                if (g == null) {
                    continue;
                }
                Rules rules = rules(items.get(i), g, gk);
                Optional<String> scope = Optional.empty();
                if (g.containsKey("require-scope")) {
                    String s = scalar(g.get("require-scope").getValueNode(), gk + ".require-scope");
                    if (s != null && (s.isBlank() || s.contains(" "))) {
                        error(g.get("require-scope").getValueNode(), gk + ".require-scope",
                                "'" + s + "' (expected: one scope, no spaces)");
                    } else {
                        scope = Optional.ofNullable(s);
                    }
                }
                if (rules != null) {
                    grants.add(new Grant(rules, scope));
                }
            }
        }
        return name == null ? null : new Entitlement(name, new LinkedHashSet<>(groups), new LinkedHashSet<>(subjects),
                grants);
    }

    private Rules rules(Node node, Map<String, NodeTuple> m, String key) {
        List<String> upstreams = m.containsKey("upstreams") ? patterns(m.get("upstreams"), key + ".upstreams") : List.of("*");
        Set<AccessClass> access = EnumSet.allOf(AccessClass.class);
        if (m.containsKey("access")) {
            access = EnumSet.noneOf(AccessClass.class);
            for (Node n : sequence(m.get("access").getValueNode(), key + ".access")) {
                String s = scalar(n, key + ".access");
                AccessClass c = s == null ? null : AccessClass.ofKey(s);
                if (s != null && c == null) {
                    error(n, key + ".access", "'" + s + "' (expected: read, write or destructive)");
                } else if (c != null) {
                    access.add(c);
                }
            }
            if (access.isEmpty()) {
                warn(m.get("access").getValueNode(), key + ".access", "no access class: no tool can match");
            }
        }
        return new Rules(upstreams, list(m, "tools", key), list(m, "tags", key), list(m, "operations", key), access,
                list(m, "resources", key), list(m, "prompts", key), list(m, "models", key));
    }

    private List<String> list(Map<String, NodeTuple> m, String field, String key) {
        return m.containsKey(field) ? patterns(m.get(field), key + "." + field) : List.of();
    }

    private List<String> patterns(NodeTuple tuple, String key) {
        List<String> out = new ArrayList<>();
        for (Node n : sequence(tuple.getValueNode(), key)) {
            String s = scalar(n, key);
            if (s == null) {
                continue;
            }
            if (s.isEmpty()) {
                error(n, key, "empty pattern");
            } else if (s.chars().anyMatch(Character::isWhitespace)) {
                error(n, key, "'" + s + "' contains whitespace");
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private Optional<Rate> rate(Map<String, NodeTuple> m, String field, String key) {
        if (!m.containsKey(field)) {
            return Optional.empty();
        }
        Node n = m.get(field).getValueNode();
        String s = scalar(n, key + ".rate-limits." + field);
        if (s == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Rate.parse(s));
        } catch (IllegalArgumentException e) {
            error(n, key + ".rate-limits." + field, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Hours> hours(Node node, String key) {
        Map<String, NodeTuple> m = mapping(node, key, HOURS_KEYS);
        if (m == null) {
            return Optional.empty();
        }
        for (String required : List.of("zone", "days", "from", "to")) {
            if (!m.containsKey(required)) {
                error(node, key + "." + required, "missing");
            }
        }
        if (m.size() < 4) {
            return Optional.empty();
        }
        ZoneId zone = null;
        Node zn = m.get("zone").getValueNode();
        String z = scalar(zn, key + ".zone");
        try {
            zone = z == null ? null : ZoneId.of(z);
        } catch (DateTimeException e) {
            error(zn, key + ".zone", "'" + z + "' is not a time zone (expected: e.g. Europe/Berlin or UTC)");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (Node n : sequence(m.get("days").getValueNode(), key + ".days")) {
            String d = scalar(n, key + ".days");
            if (d == null) {
                continue;
            }
            Set<DayOfWeek> parsed = days(d);
            if (parsed == null) {
                error(n, key + ".days", "'" + d + "' (expected: MON..SUN or a range such as MON-FRI)");
            } else {
                days.addAll(parsed);
            }
        }
        LocalTime from = time(m.get("from").getValueNode(), key + ".from");
        LocalTime to = time(m.get("to").getValueNode(), key + ".to");
        if (zone == null || days.isEmpty() || from == null || to == null) {
            if (days.isEmpty()) {
                error(m.get("days").getValueNode(), key + ".days", "no days (expected: at least one)");
            }
            return Optional.empty();
        }
        if (from.equals(to)) {
            error(m.get("to").getValueNode(), key + ".to", "equals from (expected: a non-empty window)");
            return Optional.empty();
        }
        return Optional.of(new Hours(zone, days, from, to));
    }

    private static Set<DayOfWeek> days(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length == 1) {
            DayOfWeek d = day(parts[0]);
            return d == null ? null : EnumSet.of(d);
        }
        if (parts.length != 2) {
            return null;
        }
        DayOfWeek a = day(parts[0]);
        DayOfWeek b = day(parts[1]);
        if (a == null || b == null) {
            return null;
        }
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d = a; ; d = d.plus(1)) {
            out.add(d);
            if (d == b) {
                return out;
            }
        }
    }

    private static DayOfWeek day(String s) {
        String u = s.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().equals(u) || d.name().substring(0, 3).equals(u)) {
                return d;
            }
        }
        return null;
    }

    private LocalTime time(Node n, String key) {
        String s = scalar(n, key);
        if (s == null) {
            return null;
        }
        try {
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            error(n, key, "'" + s + "' (expected: HH:MM, 24-hour)");
            return null;
        }
    }

    private String name(Node node, Map<String, NodeTuple> m, String key) {
        if (!m.containsKey("name")) {
            error(node, key + ".name", "missing");
            return null;
        }
        Node n = m.get("name").getValueNode();
        String s = scalar(n, key + ".name");
        if (s != null && !NAME.matcher(s).matches()) {
            error(n, key + ".name", "'" + s + "' (expected: letters, digits, _ . : -, at most 128)");
            return null;
        }
        return s;
    }

    private Map<String, NodeTuple> mapping(Node node, String key, Set<String> allowed) {
        if (!(node instanceof MappingNode m)) {
            error(node, key, "expected a mapping");
            return null;
        }
        checkDuplicates(m, key);
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = scalarText(t.getKeyNode());
            String path = key.isEmpty() ? String.valueOf(k) : key + "." + k;
            if (k == null || !allowed.contains(k)) {
                error(t.getKeyNode(), path, "unknown key (expected one of " + new java.util.TreeSet<>(allowed) + ")");
                continue;
            }
            out.put(k, t);
        }
        return out;
    }

    private void checkDuplicates(MappingNode m, String key) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String k = scalarText(t.getKeyNode());
            if (k != null && !seen.add(k)) {
                error(t.getKeyNode(), key.isEmpty() ? k : key + "." + k, "duplicate key");
            }
        }
    }

    private List<Node> sequence(Node node, String key) {
        if (node instanceof SequenceNode s) {
            return s.getValue();
        }
        error(node, key, "expected a list");
        return List.of();
    }

    private List<String> strings(Node node, String key) {
        List<String> out = new ArrayList<>();
        for (Node n : sequence(node, key)) {
            String s = scalar(n, key);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private String scalar(Node node, String key) {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
            return s.getValue();
        }
        error(node, key, node instanceof ScalarNode ? "null (expected: a string)" : "expected a string");
        return null;
    }

    private static String scalarText(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private void error(Node node, String key, String message) {
        errors.add(problem(node, key, message));
    }

    private void warn(Node node, String key, String message) {
        warnings.add(problem(node, key, message));
    }

    private PolicyProblem problem(Node node, String key, String message) {
        Mark mark = node == null ? null : node.getStartMark();
        return new PolicyProblem(file, mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                key, message);
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new HashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }
}
