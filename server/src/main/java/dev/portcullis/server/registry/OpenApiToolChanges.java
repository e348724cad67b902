package dev.portcullis.server.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.openapi.OpenApiException;
import dev.portcullis.openapi.OpenApiTool;
import dev.portcullis.openapi.OpenApiToolset;
import dev.portcullis.registry.Registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a (re-)registration of an OpenAPI upstream does to its tools: which tool names appear, disappear or get a
 * different definition. The tools before are those the document produced when this gateway process last
 * registered that exact transport (so a document that changed behind an unchanged URL or path still shows
 * its changes); otherwise the previous registration's document is converted again now. Names are the upstream's
 * own (without the tool prefix), as in pinning and quarantine.
 */
final class OpenApiToolChanges {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The tools one transport produced: definitions by name. */
    record Converted(UpstreamTarget.OpenApi target, Map<String, JsonNode> tools) {
    }

    /**
     * A comparison.
     *
     * @param json      {@code {added, removed, changed, unchanged, total}}, or {@code {error}} when the new document
     *                  does not convert
     * @param converted what the new document produced, when it converted
     */
    record Result(ObjectNode json, Optional<Converted> converted) {
    }

    private final Map<String, Converted> last = new ConcurrentHashMap<>();

    /**
     * Converts the new registration's document and compares it with the previous registration's tools.
     *
     * @param previous the registration being replaced, if any
     * @param next     the registration being registered
     * @return the comparison, or empty when {@code next} is not an OpenAPI upstream
     */
    Optional<Result> compare(Optional<Registration> previous, Registration next) {
        if (!(next.target() instanceof UpstreamTarget.OpenApi api)) {
            return Optional.empty();
        }
        ObjectNode out = F.objectNode();
        Map<String, JsonNode> after;
        try {
            after = convert(api);
        } catch (OpenApiException e) {
            out.put("error", e.getMessage());
            return Optional.of(new Result(out, Optional.empty()));
        }
        Map<String, JsonNode> before = Map.of();
        if (previous.isPresent() && previous.get().target() instanceof UpstreamTarget.OpenApi old) {
            Converted known = last.get(next.name());
            if (known != null && known.target().equals(old)) {
                before = known.tools();
            } else {
                try {
                    before = convert(old);
                } catch (OpenApiException e) {
                    out.put("previousError", e.getMessage());
                }
            }
        }
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            JsonNode was = before.get(e.getKey());
            if (was == null) {
                added.add(e.getKey());
            } else if (!was.equals(e.getValue())) {
                changed.add(e.getKey());
            } else {
                unchanged++;
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                removed.add(name);
            }
        }
        added.forEach(out.putArray("added")::add);
        removed.forEach(out.putArray("removed")::add);
        changed.forEach(out.putArray("changed")::add);
        out.put("unchanged", unchanged);
        out.put("total", after.size());
        return Optional.of(new Result(out, Optional.of(new Converted(api, after))));
    }

    /**
     * Remembers what the registration now current produced.
     *
     * @param current the registration the registry answered with
     * @param result  the comparison made before registering it
     */
    void registered(Registration current, Result result) {
        result.converted().filter(c -> c.target().equals(current.target())).ifPresent(c -> last.put(current.name(), c));
    }

    /**
     * Forgets a removed upstream.
     *
     * @param name registered name
     */
    void removed(String name) {
        last.remove(name);
    }

    private static Map<String, JsonNode> convert(UpstreamTarget.OpenApi api) {
        Map<String, JsonNode> tools = new LinkedHashMap<>();
        for (OpenApiTool t : OpenApiToolset.load(api).tools()) {
            tools.put(t.name(), t.toJson());
        }
        return tools;
    }
}
