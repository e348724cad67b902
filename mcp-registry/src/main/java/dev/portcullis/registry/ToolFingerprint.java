package dev.portcullis.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fingerprint Portcullis pins for a tool definition: {@code sha256:} followed by the lowercase hex
 * SHA-256 of the definition's RFC 8785 canonical JSON, with the top-level {@code _meta} member left out
 * (it is volatile by design: progress tokens, tracing, vendor hints).
 *
 * <p>Everything else counts, including members Portcullis does not know: {@code name}, {@code title},
 * {@code description}, {@code inputSchema}, {@code outputSchema}, {@code annotations}, {@code icons},
 * {@code execution}. Two definitions that differ only in member order, insignificant whitespace or
 * number spelling ({@code 1.0} and {@code 1}) have the same fingerprint.
 *
 * <p>Instances are not thread-safe (they reuse a buffer and a digest); use one per thread or per call.
 */
public final class ToolFingerprint {
    /** The prefix of every fingerprint. */
    public static final String PREFIX = "sha256:";
    private static final String META = "_meta";
    private static final HexFormat HEX = HexFormat.of();

    private final CanonicalJson canonical = new CanonicalJson();
    private final MessageDigest sha256;

    /** Creates a fingerprinter with its own buffer and digest. */
    public ToolFingerprint() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * @param tool a tool definition as listed by {@code tools/list}
     * @return its fingerprint, {@code sha256:<64 hex digits>}
     * @throws IllegalArgumentException when {@code tool} is not an object, or holds a lone surrogate or a
     *                                  non-finite number (not I-JSON, so it has no canonical form)
     */
    public String fingerprint(JsonNode tool) {
        canonical.reset();
        canonical.writeWithout(tool, META);
        sha256.update(canonical.buffer(), 0, canonical.length());
        return PREFIX + HEX.formatHex(sha256.digest());
    }

    /**
     * One-off convenience for {@link #fingerprint(JsonNode)}.
     *
     * @param tool a tool definition
     * @return its fingerprint
     * @throws IllegalArgumentException as {@link #fingerprint(JsonNode)}
     */
    public static String of(JsonNode tool) {
        return new ToolFingerprint().fingerprint(tool);
    }
}
