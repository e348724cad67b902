package dev.portcullis.mcp;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * MCP protocol revisions Portcullis speaks, oldest first.
 */
public enum ProtocolVersion {
    /** Session era, no tasks. */
    V2025_06_18("2025-06-18", Era.SESSION),
    /** Session era with sessions, SSE resumption and server-initiated requests. */
    V2025_11_25("2025-11-25", Era.SESSION),
    /** Stateless era: no initialize, per-request {@code _meta}, multi-round-trip input requests. */
    V2026_07_28("2026-07-28", Era.STATELESS);

    private final String text;
    private final Era era;

    ProtocolVersion(String text, Era era) {
        this.text = text;
        this.era = era;
    }

    /** @return the revision string, e.g. {@code 2025-11-25} */
    public String text() {
        return text;
    }

    /** @return which era the revision belongs to */
    public Era era() {
        return era;
    }

    /**
     * @param text revision string
     * @return the revision, when supported
     */
    public static Optional<ProtocolVersion> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst();
    }

    /** @return the newest revision of the session era */
    public static ProtocolVersion latestSession() {
        return V2025_11_25;
    }

    /** @return the revision strings, oldest first */
    public static List<String> supported() {
        return Arrays.stream(values()).map(ProtocolVersion::text).toList();
    }

    /** The two eras of the protocol. */
    public enum Era {
        /** initialize handshake, {@code Mcp-Session-Id}, GET stream, server-initiated requests. */
        SESSION,
        /** no handshake; every request carries its version and capabilities in {@code _meta}. */
        STATELESS
    }
}
