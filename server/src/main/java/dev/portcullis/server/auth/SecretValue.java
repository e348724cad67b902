package dev.portcullis.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret string (a client secret) that never prints itself. {@link #reveal()} is the only way to read
 * it, so every use can be found with grep.
 */
public final class SecretValue {
    private final String value;

    /**
     * @param value the secret
     */
    public SecretValue(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /**
     * @return the secret; call only where it is sent to the party it belongs to
     */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue s && MessageDigest.isEqual(
                s.value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "[secret]";
    }
}
