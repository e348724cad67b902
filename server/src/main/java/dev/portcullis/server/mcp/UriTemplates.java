package dev.portcullis.server.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /**
     * Characters a match may read before it counts as no match. The upstream writes the template and the client
     * the URI; some templates ({@code {.x}}, {@code {&x}}, several {@code {+x}}) compile to expressions that
     * backtrack exponentially on a URI they do not match, which must not hold a request's thread.
     */
    static final long MAX_STEPS = 1_000_000;

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
        try {
            return p.matcher(new Budgeted(uri, new long[] {MAX_STEPS})).matches();
        } catch (Budgeted.Exhausted e) {
            return false;
        }
    }

    /** The URI as the matcher reads it, one step per character read, failing once the budget is spent. */
    private record Budgeted(CharSequence text, long[] left) implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.subSequence(start, end), left);
        }

        @Override
        public String toString() {
            return text.toString();
        }
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
