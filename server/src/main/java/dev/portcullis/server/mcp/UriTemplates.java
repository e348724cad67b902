package dev.portcullis.server.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.mcp.BoundedMatch;

/**
 * Matches URIs against RFC 6570 URI templates (the expressions MCP resource templates use: simple
 * {@code {var}}, reserved {@code {+var}}, fragment {@code {#var}}, path {@code {/var}}, query
 * {@code {?a,b}} and the other operators), for routing {@code resources/read} to the upstream that
 * declared the template.
 */
final class UriTemplates {
    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)([^}]*)}");
    /** Templates come from upstreams: the cache of compiled ones is bounded (cleared when full). */
    private static final int MAX_CACHED = 4096;
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private UriTemplates() {
    }

    static boolean matches(String template, String uri) {
        Pattern p = CACHE.get(template);
        if (p == null) {
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            p = CACHE.computeIfAbsent(template, UriTemplates::compile);
        }
        // the upstream writes the template and the client the URI: some templates ({+a}{+b}...) backtrack without
        // end on a URI they do not match
        return BoundedMatch.matches(p, uri, BoundedMatch.STEPS);
    }

    static Pattern compile(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = EXPRESSION.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            String op = m.group(1);
            regex.append(switch (op) {
                case "" -> "[^/?#]*";
                case "+" -> ".*";
                case "#" -> "(#.*)?";
                case "." -> "(\\.[^/?#]*)*";
                case "/" -> "(/[^/?#]*)*";
                case ";" -> "(;[^/?#]*)*";
                case "?" -> "(\\?[^#]*)?";
                case "&" -> "(&[^#]*)*";
                default -> "[^/?#]*";
            });
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }
}
