package dev.portcullis.registry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import dev.portcullis.mcp.HttpTokens;
import dev.portcullis.mcp.UpstreamTarget;

/** Validation rules shared by {@link Registration}'s constructor and its JSON parser. */
final class Checks {
    static final String NAME_EXPECTED = "[a-z0-9][a-z0-9-]{0,47}";
    static final String TOOL_PREFIX_EXPECTED = "[A-Za-z0-9_.-]{0,64}";
    static final String VERSION_EXPECTED = "[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}, not 'latest'";
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final int MAX_TITLE = 100;
    static final int MAX_DESCRIPTION = 1000;
    static final Duration MIN_CONNECT = Duration.ofMillis(100);
    static final Duration MAX_CONNECT = Duration.ofMinutes(2);
    static final Duration MIN_REQUEST = Duration.ofSeconds(1);
    static final Duration MAX_REQUEST = Duration.ofHours(1);
    /** Headers the HTTP client or the MCP transport owns; a static value would break framing or sessions. */
    static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
            "upgrade", "te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection", "expect",
            "mcp-session-id", "mcp-protocol-version", "last-event-id", "accept", "content-type");

    private Checks() {
    }

    /**
     * @param name a candidate upstream name
     * @return whether it matches {@value #NAME_EXPECTED}; plain loops, as the MCP endpoint checks it per request
     */
    static boolean name(String name) {
        int n = name.length();
        if (n == 0 || n > 48 || name.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param prefix a candidate tool prefix
     * @return whether it matches {@value #TOOL_PREFIX_EXPECTED}
     */
    static boolean toolPrefix(String prefix) {
        if (prefix.length() > 64) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param version a candidate registration version
     * @return whether it matches {@value #VERSION_EXPECTED}
     */
    static boolean version(String version) {
        return VERSION.matcher(version).matches() && !version.equalsIgnoreCase("latest");
    }

    /**
     * @param name a candidate header name
     * @return whether it is an RFC 9110 token of at most 128 characters
     */
    static boolean headerName(String name) {
        return name.length() <= 128 && HttpTokens.isToken(name);
    }

    /**
     * @param name a candidate environment variable name
     * @return whether it matches {@code [A-Za-z_][A-Za-z0-9_]{0,127}}
     */
    static boolean envName(String name) {
        return ENV_NAME.matcher(name).matches();
    }

    /**
     * Checks a target; each problem goes to {@code problems} as (relative field path, reason).
     */
    static void target(UpstreamTarget target, BiConsumer<String, String> problems) {
        switch (target) {
            case UpstreamTarget.Http http -> {
                url(http.url(), problems);
                headers(http.headers(), problems);
                duration("connectTimeout", http.connectTimeout(), MIN_CONNECT, MAX_CONNECT, problems);
                duration("requestTimeout", http.requestTimeout(), MIN_REQUEST, MAX_REQUEST, problems);
            }
            case UpstreamTarget.OpenApi api -> {
                api.baseUrl().ifPresent(u -> url(u, (f, r) -> problems.accept("baseUrl", r)));
                duration("connectTimeout", api.connectTimeout(), MIN_CONNECT, MAX_CONNECT, problems);
                duration("requestTimeout", api.requestTimeout(), MIN_REQUEST, MAX_REQUEST, problems);
            }
            case UpstreamTarget.Stdio stdio -> {
                List<String> command = stdio.command();
                for (int i = 0; i < command.size(); i++) {
                    String part = command.get(i);
                    if (part == null || (i == 0 && part.isBlank()) || part.indexOf('\0') >= 0) {
                        problems.accept("command[" + i + "]", i == 0
                                ? "empty or contains NUL (expected: an executable)"
                                : "contains NUL (expected: an argument)");
                    }
                }
                for (Map.Entry<String, String> e : stdio.env().entrySet()) {
                    if (!envName(e.getKey())) {
                        problems.accept("env." + printable(e.getKey()), "invalid name (expected: [A-Za-z_][A-Za-z0-9_]*)");
                    } else if (e.getValue().indexOf('\0') >= 0) {
                        problems.accept("env." + e.getKey(), "value contains NUL");
                    }
                }
                stdio.workingDir().ifPresent(dir -> {
                    if (!dir.isAbsolute()) {
                        problems.accept("workingDir", printable(dir.toString()) + " (expected: an absolute path)");
                    }
                });
                duration("requestTimeout", stdio.requestTimeout(), MIN_REQUEST, MAX_REQUEST, problems);
            }
        }
    }

    static void url(URI url, BiConsumer<String, String> problems) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            problems.accept("url", "scheme '" + printable(scheme) + "' (expected: http or https)");
        } else if (url.getHost() == null || url.getHost().isEmpty()) {
            problems.accept("url", "no host (expected: http(s)://host[:port]/path)");
        } else if (url.getRawUserInfo() != null) {
            problems.accept("url", "contains user info (expected: no credentials in the URL)");
        } else if (url.getRawFragment() != null) {
            problems.accept("url", "contains a fragment (expected: none)");
        }
    }

    static void headers(Map<String, String> headers, BiConsumer<String, String> problems) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = e.getKey();
            if (!headerName(name)) {
                problems.accept("headers." + printable(name), "invalid header name (expected: an RFC 9110 token)");
            } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                problems.accept("headers." + name, "reserved header (set by the HTTP client or the MCP transport)");
            } else if (!headerValue(e.getValue())) {
                // never echo the value: it may be a credential
                problems.accept("headers." + name, "value contains CR, LF or another control character");
            }
        }
    }

    private static boolean headerValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    static void duration(String field, Duration d, Duration min, Duration max, BiConsumer<String, String> problems) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problems.accept(field, Durations.format(d) + " (expected: " + Durations.format(min) + ".."
                    + Durations.format(max) + ")");
        }
    }

    static boolean validWorkingDir(String raw) {
        try {
            return Path.of(raw).isAbsolute();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Makes a value safe to put into a message or a log line (no control characters, bounded). */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > 80) {
            sb.append('…');
        }
        return sb.toString();
    }
}
