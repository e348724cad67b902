package dev.portcullis.personas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of a bundle: the normalised model (defaults made explicit) as JSON with sorted
 * keys and no whitespace. Two bundles that mean the same thing (comments, key order, omitted defaults)
 * have the same form and so the same {@code policyVersion}.
 */
final class Canonical {
    private Canonical() {
    }

    static String json(List<Entitlement> entitlements, List<Persona> personas, Bindings bindings) {
        Map<String, Object> root = new TreeMap<>();
        root.put("version", 1L);
        List<Object> ents = new ArrayList<>();
        for (Entitlement e : entitlements) {
            Map<String, Object> m = new TreeMap<>();
            m.put("name", e.name());
            m.put("groups", sorted(e.groups()));
            m.put("subjects", sorted(e.subjects()));
            List<Object> grants = new ArrayList<>();
            for (Grant g : e.grants()) {
                Map<String, Object> gm = rules(g.rules());
                g.requireScope().ifPresent(s -> gm.put("require-scope", s));
                grants.add(gm);
            }
            m.put("grants", grants);
            ents.add(m);
        }
        root.put("entitlements", ents);
        List<Object> ps = new ArrayList<>();
        for (Persona p : personas) {
            Map<String, Object> m = rules(p.allow());
            m.put("name", p.name());
            m.put("description", p.description());
            p.scopes().ifPresent(s -> m.put("scopes", sorted(s)));
            p.dlpProfile().ifPresent(s -> m.put("dlp-profile", s));
            Map<String, Object> limits = new TreeMap<>();
            p.rateLimits().perPerson().ifPresent(r -> limits.put("per-person", r.toString()));
            p.rateLimits().perTool().ifPresent(r -> limits.put("per-tool", r.toString()));
            p.rateLimits().perPersona().ifPresent(r -> limits.put("per-persona", r.toString()));
            if (!limits.isEmpty()) {
                m.put("rate-limits", limits);
            }
            p.hours().ifPresent(h -> {
                Map<String, Object> hm = new TreeMap<>();
                hm.put("zone", h.zone().getId());
                hm.put("days", h.days().stream().sorted().map(DayOfWeek::name).toList());
                hm.put("from", h.from().toString());
                hm.put("to", h.to().toString());
                m.put("hours", hm);
            });
            ps.add(m);
        }
        root.put("personas", ps);
        Map<String, Object> b = new TreeMap<>();
        b.put("precedence", bindings.precedence().stream().map(Bindings.Source::key).toList());
        b.put("client-ids", new TreeMap<>(bindings.clientIds()));
        b.put("group-prefix", bindings.groupPrefix());
        root.put("bindings", b);
        StringBuilder sb = new StringBuilder();
        write(sb, root);
        return sb.toString();
    }

    static String version(String canonicalJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> rules(Rules r) {
        Map<String, Object> m = new TreeMap<>();
        m.put("upstreams", r.upstreams());
        m.put("tools", r.tools());
        m.put("tags", r.tags());
        m.put("operations", r.operations());
        m.put("access", r.access().stream().sorted().map(AccessClass::key).toList());
        m.put("resources", r.resources());
        m.put("prompts", r.prompts());
        m.put("models", r.models());
        return m;
    }

    private static List<String> sorted(java.util.Collection<String> c) {
        return c.stream().sorted().toList();
    }

    @SuppressWarnings("unchecked")
    static void write(StringBuilder sb, Object o) {
        switch (o) {
            case null -> sb.append("null");
            case Map<?, ?> map -> {
                Map<String, Object> sortedMap = new TreeMap<>((Map<String, Object>) map);
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : sortedMap.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, e.getKey());
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, list.get(i));
                }
                sb.append(']');
            }
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Number n -> sb.append(n);
            default -> string(sb, o.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static Map<String, Object> ordered() {
        return new LinkedHashMap<>();
    }
}
