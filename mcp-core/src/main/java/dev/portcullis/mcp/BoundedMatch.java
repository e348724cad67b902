package dev.portcullis.mcp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regular-expression matching with a bound on its work. Patterns that come from upstreams or API documents (URI
 * templates, JSON Schema {@code pattern}) meet text that comes from clients; some patterns backtrack without end on
 * text they do not match ({@code ^(.*a){12}$}), which must not hold a request's thread. The text is read through a
 * counting view, and a match that reads more characters than its budget counts as no match.
 */
public final class BoundedMatch {
    /** Character reads one match may make: a few milliseconds of matching. */
    public static final long STEPS = 1_000_000;

    private BoundedMatch() {
    }

    /**
     * @return whether the whole text matches; false when the budget ran out
     */
    public static boolean matches(Pattern pattern, CharSequence text, long steps) {
        return run(pattern, text, steps, true);
    }

    /**
     * @return whether the pattern occurs in the text; false when the budget ran out
     */
    public static boolean find(Pattern pattern, CharSequence text, long steps) {
        return run(pattern, text, steps, false);
    }

    private static boolean run(Pattern pattern, CharSequence text, long steps, boolean whole) {
        Matcher m = pattern.matcher(new Budgeted(text, new long[] {steps}));
        try {
            return whole ? m.matches() : m.find();
        } catch (Exhausted e) {
            return false;
        }
    }

    private static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false);
        }
    }

    /** The text as the matcher reads it, one step per character read. */
    private record Budgeted(CharSequence text, long[] left) implements CharSequence {
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
}
