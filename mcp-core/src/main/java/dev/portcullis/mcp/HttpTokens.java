package dev.portcullis.mcp;

/** RFC 9110 §5.6.2 tokens: what a header name (and other HTTP protocol elements) may be. */
public final class HttpTokens {
    /** tchar: visible ASCII except the delimiters {@code "(),/:;<=>?@[\]{}}. */
    private static final boolean[] TCHAR = new boolean[0x7F];

    static {
        for (char c = 0x21; c < 0x7F; c++) {
            TCHAR[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    private HttpTokens() {
    }

    /**
     * @param s a candidate token
     * @return whether it is one or more token characters
     */
    public static boolean isToken(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= TCHAR.length || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }
}
