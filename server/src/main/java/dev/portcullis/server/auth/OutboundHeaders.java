package dev.portcullis.server.auth;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;

/**
 * The agent's credentials never leave the gateway: every outbound request to an upstream starts from
 * headers passed through here, and only layer 2 (the credential broker) adds the backend's own
 * {@code Authorization}.
 */
public final class OutboundHeaders {
    /** Headers that carry the agent's credentials and are never forwarded upstream. */
    public static final Set<String> AGENT_CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    private OutboundHeaders() {
    }

    /**
     * Removes the agent's credential headers from outbound Helidon headers.
     *
     * @param headers outbound headers (modified)
     * @param <T>     header type
     * @return the same headers
     */
    public static <T extends WritableHeaders<T>> T strip(T headers) {
        headers.remove(HeaderNames.AUTHORIZATION);
        headers.remove(HeaderNames.PROXY_AUTHORIZATION);
        headers.remove(HeaderNames.COOKIE);
        return headers;
    }

    /**
     * A copy of a header map without the agent's credential headers (names compared case-insensitively).
     *
     * @param headers header name to value
     * @return a new map without credential headers
     */
    public static Map<String, String> strip(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            if (!AGENT_CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                out.put(name, value);
            }
        });
        return out;
    }
}
