package dev.portcullis.core;

import java.util.Objects;

/**
 * One detector finding, safe to record: the type of data found, where it was found and a keyed hash
 * of the value. The raw value is never part of a finding.
 *
 * @param type      detector type, e.g. {@code pci.card-number}
 * @param location  JSON pointer or other location of the match, e.g. {@code /params/arguments/card}
 * @param keyedHash keyed hash (HMAC) of the matched value, hex encoded, for correlation without disclosure
 */
public record Finding(String type, String location, String keyedHash) {
    /** Validates that no component is null. */
    public Finding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(keyedHash, "keyedHash");
    }
}
