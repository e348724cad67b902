package dev.portcullis.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;

/**
 * Reads typed values from Helidon config nodes and collects every problem (with its key path) instead
 * of stopping at the first one. Call {@link #throwIfProblems()} once everything has been read.
 */
public final class ConfigReader {
    private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?\\s*");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(?i)\\s*(\\d+)\\s*(ms|s|m|h)\\s*");

    private final List<String> problems = new ArrayList<>();

    /**
     * Records a problem.
     *
     * @param node   the node the problem is about
     * @param reason what is wrong and what is expected
     */
    public void problem(Config node, String reason) {
        problems.add(path(node) + ": " + reason);
    }

    /**
     * Reports any child key of {@code node} that is not in {@code known}; typos in a security
     * configuration must not be silently ignored.
     *
     * @param node  an object node (missing nodes are fine)
     * @param known the keys this node may have
     */
    public void allowOnly(Config node, String... known) {
        if (!node.exists()) {
            return;
        }
        if (node.type() != Config.Type.OBJECT) {
            problem(node, "expected a mapping with keys " + Arrays.toString(known));
            return;
        }
        Set<String> allowed = Set.of(known);
        for (Config child : node.asNodeList().orElse(List.of())) {
            String name = child.name();
            if (!allowed.contains(name)) {
                problems.add(path(child) + ": unknown key (known keys here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /**
     * @param node         value node
     * @param defaultValue value when missing
     * @return the string value
     */
    public String string(Config node, String defaultValue) {
        if (!node.exists()) {
            return defaultValue;
        }
        if (node.type() != Config.Type.VALUE) {
            problem(node, "expected a single value");
            return defaultValue;
        }
        return node.asString().get().trim();
    }

    /**
     * @param node         value node
     * @param defaultValue value when missing
     * @param min          smallest allowed value
     * @param max          largest allowed value
     * @return the integer value, or the default after recording a problem
     */
    public int integer(Config node, int defaultValue, int min, int max) {
        String raw = string(node, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                problem(node, value + " (expected: " + min + ".." + max + ")");
                return defaultValue;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(node, "'" + raw + "' is not an integer");
            return defaultValue;
        }
    }

    /**
     * @param node         value node
     * @param defaultValue value when missing
     * @return the boolean value, or the default after recording a problem
     */
    public boolean bool(Config node, boolean defaultValue) {
        String raw = string(node, null);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(node, "'" + raw + "' is not a boolean (expected: true or false)");
                yield defaultValue;
            }
        };
    }

    /**
     * A byte size: a plain number of bytes or a number with a unit ({@code 512KiB}, {@code 1MiB},
     * {@code 10MB}); binary and decimal units are both taken as powers of 1024.
     *
     * @param node         value node
     * @param defaultValue value when missing
     * @param min          smallest allowed size
     * @param max          largest allowed size
     * @return the size in bytes
     */
    public long byteSize(Config node, long defaultValue, long min, long max) {
        String raw = string(node, null);
        if (raw == null) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(raw);
        if (!m.matches()) {
            problem(node, "'" + raw + "' is not a size (expected: bytes, or a number with KiB, MiB or GiB)");
            return defaultValue;
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long factor = switch (unit.charAt(0)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                case 'g' -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long value = Math.multiplyExact(n, factor);
            if (value < min || value > max) {
                problem(node, raw + " (expected: " + min + ".." + max + " bytes)");
                return defaultValue;
            }
            return value;
        } catch (ArithmeticException | NumberFormatException e) {
            problem(node, "'" + raw + "' is too large");
            return defaultValue;
        }
    }

    /**
     * A duration: ISO-8601 ({@code PT10S}) or a number with {@code ms}, {@code s}, {@code m}, {@code h}.
     *
     * @param node         value node
     * @param defaultValue value when missing
     * @param min          shortest allowed duration
     * @param max          longest allowed duration
     * @return the duration
     */
    public Duration duration(Config node, Duration defaultValue, Duration min, Duration max) {
        String raw = string(node, null);
        if (raw == null) {
            return defaultValue;
        }
        Duration value;
        Matcher m = SIMPLE_DURATION.matcher(raw);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                value = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                value = Duration.parse(raw);
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            problem(node, "'" + raw + "' is not a duration (expected: e.g. 500ms, 10s, 5m or PT10S)");
            return defaultValue;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(node, raw + " (expected: between " + min + " and " + max + ")");
            return defaultValue;
        }
        return value;
    }

    /**
     * @param node         value node
     * @param type         enum type; values are matched case-insensitively with {@code -} for {@code _}
     * @param defaultValue value when missing
     * @param <E>          enum type
     * @return the enum constant
     */
    public <E extends Enum<E>> E enumValue(Config node, Class<E> type, E defaultValue) {
        String raw = string(node, null);
        if (raw == null) {
            return defaultValue;
        }
        String wanted = raw.replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        problem(node, "'" + raw + "' (expected one of: " + String.join(", ", Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()) + ")");
        return defaultValue;
    }

    /**
     * @param node a list node (or missing)
     * @return the string values, empty when missing
     */
    public List<String> stringList(Config node) {
        if (!node.exists()) {
            return List.of();
        }
        if (node.type() != Config.Type.LIST) {
            problem(node, "expected a list");
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (Config item : node.asNodeList().orElse(List.of())) {
            String v = string(item, null);
            if (v != null) {
                values.add(v);
            }
        }
        return List.copyOf(values);
    }

    /**
     * @return whether any problem was recorded
     */
    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /**
     * @throws ConfigException listing every recorded problem, if there is any
     */
    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static String path(Config node) {
        String key = node.key().toString();
        return key.isEmpty() ? "(root)" : key;
    }
}
