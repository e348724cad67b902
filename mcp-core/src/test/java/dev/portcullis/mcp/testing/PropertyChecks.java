package dev.portcullis.mcp.testing;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded property checks, shared by the modules' property tests (mcp-core publishes this package as its
 * test-jar). A property is checked over listed edge cases and then over many pseudo-random inputs. Case
 * {@code i} is generated from {@code new Random(caseSeed(i))}; a failure reports that seed and the input, so
 * calling the generator with {@code new Random(seed)} rebuilds it. The base seed is fixed so every run checks
 * the same cases; {@code -Dportcullis.property.seed=N} explores another sequence. Generators of Unicode text
 * share one rule for what valid text is, {@link #validInText(int)}.
 */
public final class PropertyChecks {
    private static final long BASE_SEED = Long.getLong("portcullis.property.seed", 0x9E3779B97F4A7C15L);

    private final Function<Object, String> describe;

    /**
     * @param describe how a falsifying input is shown in the failure; {@link #escape(String)} keeps text printable
     */
    public PropertyChecks(Function<Object, String> describe) {
        this.describe = describe;
    }

    /** A property of one input; it fails by throwing. */
    @FunctionalInterface
    public interface Check<T> {
        /**
         * @param input the input to check
         * @throws Exception when the property does not hold (an {@link AssertionError} does as well)
         */
        void accept(T input) throws Exception;
    }

    /**
     * Checks the property on every edge case, then on {@code tries} inputs generated from per-case seeds.
     *
     * @param tries     how many generated inputs to check
     * @param edgeCases inputs checked first, in order
     * @param generator builds an input from a seeded {@link Random}
     * @param property  the property
     * @param <T>       the input type
     * @throws AssertionError naming the first falsifying input, and the seed it was generated from
     */
    public <T> void forAll(int tries, List<T> edgeCases, Function<Random, T> generator, Check<T> property) {
        for (int i = 0; i < edgeCases.size(); i++) {
            check(property, edgeCases.get(i), "edge case #" + i);
        }
        for (int i = 0; i < tries; i++) {
            long seed = caseSeed(i);
            check(property, generator.apply(new Random(seed)),
                    "case " + i + " of " + tries + ", generated from new Random(" + seed + "L) (base seed "
                            + BASE_SEED + "L)");
        }
    }

    /**
     * @param s any text
     * @return the text with backslashes doubled and everything outside printable ASCII as {@code \}{@code uXXXX}
     */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.chars().forEach(c -> {
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\u%04x", c));
            }
        });
        return sb.toString();
    }

    /**
     * The rule generators of valid Unicode text share.
     *
     * @param codePoint a code point
     * @return whether it may stand in valid text: not a lone surrogate, a noncharacter or a private-use character
     */
    public static boolean validInText(int codePoint) {
        boolean loneSurrogate = codePoint < 0x10000 && Character.isSurrogate((char) codePoint);
        boolean noncharacter = codePoint >= 0xFDD0 && codePoint <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
        return !loneSurrogate && !noncharacter && Character.getType(codePoint) != Character.PRIVATE_USE;
    }

    /** Seed of random case {@code i}: a SplitMix64 step from the base seed, so neighbouring cases are unrelated. */
    private static long caseSeed(int i) {
        long z = BASE_SEED + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private <T> void check(Check<T> property, T input, String where) {
        try {
            property.accept(input);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("property falsified by " + where + "\n  input: " + describe.apply(input)
                    + "\n  " + e, e);
        }
    }
}
