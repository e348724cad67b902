package dev.portcullis.personas;

/**
 * How a tool affects the world, derived from the MCP tool annotations (or from the HTTP method of an
 * OpenAPI operation). Grants and personas may restrict tools to some classes.
 */
public enum AccessClass {
    /** {@code readOnlyHint: true} (or HTTP GET/HEAD/OPTIONS): does not modify its environment. */
    READ("read"),
    /** Modifies its environment but declares {@code destructiveHint: false}: additive only. */
    WRITE("write"),
    /** Modifies its environment and may destroy or overwrite (the MCP default for a non-read-only tool). */
    DESTRUCTIVE("destructive");

    private final String key;

    AccessClass(String key) {
        this.key = key;
    }

    /** @return the key used in policy bundles: {@code read}, {@code write} or {@code destructive} */
    public String key() {
        return key;
    }

    /**
     * The class of an MCP tool from its annotations, with the MCP defaults for missing hints
     * ({@code readOnlyHint=false}, {@code destructiveHint=true}): a tool that says nothing is destructive.
     *
     * @param readOnlyHint    the tool's {@code readOnlyHint}, or {@code null} when absent
     * @param destructiveHint the tool's {@code destructiveHint}, or {@code null} when absent
     * @return the class
     */
    public static AccessClass fromHints(Boolean readOnlyHint, Boolean destructiveHint) {
        if (Boolean.TRUE.equals(readOnlyHint)) {
            return READ;
        }
        return Boolean.FALSE.equals(destructiveHint) ? WRITE : DESTRUCTIVE;
    }

    /**
     * The class of an HTTP operation: safe methods read, {@code POST}/{@code PUT}/{@code PATCH} write,
     * {@code DELETE} and anything unknown is destructive.
     *
     * @param method HTTP method
     * @return the class
     */
    public static AccessClass fromHttpMethod(String method) {
        return switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> READ;
            case "POST", "PUT", "PATCH" -> WRITE;
            default -> DESTRUCTIVE;
        };
    }

    static AccessClass ofKey(String key) {
        for (AccessClass c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        return null;
    }
}
