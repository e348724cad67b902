package dev.portcullis.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The registry's persistent state as an immutable value (copy-on-write), and its JSON state file:
 * read strictly (any problem names the file and the path inside it), written atomically.
 */
record RegistryState(Map<String, AdminEntry> admin, Set<String> disabledConfig, Map<String, Pins> pins,
                     Map<String, Map<String, QuarantinedTool>> quarantine) {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    RegistryState {
        admin = Collections.unmodifiableMap(new LinkedHashMap<>(admin));
        disabledConfig = Collections.unmodifiableSet(new LinkedHashSet<>(disabledConfig));
        pins = Map.copyOf(pins);
        Map<String, Map<String, QuarantinedTool>> q = new LinkedHashMap<>();
        quarantine.forEach((k, v) -> {
            if (!v.isEmpty()) {
                q.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v)));
            }
        });
        quarantine = Collections.unmodifiableMap(q);
    }

    static RegistryState empty() {
        return new RegistryState(Map.of(), Set.of(), Map.of(), Map.of());
    }

    /** One version of an admin registration and who registered it. */
    record Version(Registration registration, String actor) {
        Version {
            Objects.requireNonNull(registration, "registration");
            Objects.requireNonNull(actor, "actor");
        }
    }

    /** An admin registration: its versions (oldest first) and whether it is enabled. */
    record AdminEntry(List<Version> versions, boolean enabled) {
        AdminEntry {
            versions = List.copyOf(versions);
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("versions: empty");
            }
        }

        Registration current() {
            Registration last = versions.getLast().registration();
            return last.enabled() == enabled ? last : last.withEnabled(enabled);
        }

        Instant firstRegisteredAt() {
            return versions.getFirst().registration().registeredAt();
        }
    }

    /** A pinned tool definition. */
    record Pin(String hash, Instant pinnedAt, String pinnedBy) {
        Pin {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(pinnedAt, "pinnedAt");
            Objects.requireNonNull(pinnedBy, "pinnedBy");
        }
    }

    /** An upstream's pins; present once its tools have been reviewed for the first time. */
    record Pins(Instant baselinedAt, Map<String, Pin> tools) {
        Pins {
            Objects.requireNonNull(baselinedAt, "baselinedAt");
            tools = Map.copyOf(tools);
        }
    }

    RegistryState withAdmin(Map<String, AdminEntry> a) {
        return new RegistryState(a, disabledConfig, pins, quarantine);
    }

    RegistryState withDisabledConfig(Set<String> d) {
        return new RegistryState(admin, d, pins, quarantine);
    }

    RegistryState withPins(String upstream, Pins p) {
        Map<String, Pins> copy = new LinkedHashMap<>(pins);
        if (p == null) {
            copy.remove(upstream);
        } else {
            copy.put(upstream, p);
        }
        return new RegistryState(admin, disabledConfig, copy, quarantine);
    }

    RegistryState withQuarantine(String upstream, Map<String, QuarantinedTool> q) {
        Map<String, Map<String, QuarantinedTool>> copy = new LinkedHashMap<>(quarantine);
        if (q == null || q.isEmpty()) {
            copy.remove(upstream);
        } else {
            copy.put(upstream, q);
        }
        return new RegistryState(admin, disabledConfig, pins, copy);
    }

    Map<String, QuarantinedTool> quarantineOf(String upstream) {
        return quarantine.getOrDefault(upstream, Map.of());
    }

    // ---------------------------------------------------------------------------------------------- file

    /** Reads the state file; a missing file is an empty state, anything unreadable is an error. */
    static RegistryState read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.STORAGE,
                    "cannot read registry state file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw corrupt(file, List.of("not valid JSON (" + firstLine(e) + ")"), e);
        }
        List<String> problems = new ArrayList<>();
        RegistryState state = fromJson(root, problems);
        if (!problems.isEmpty()) {
            throw corrupt(file, problems, null);
        }
        return state;
    }

    private static String firstLine(IOException e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static RegistryException corrupt(Path file, List<String> problems, Throwable cause) {
        String message = "registry state file " + file + " is corrupt (fix or restore it; it was not modified): "
                + String.join("; ", problems.subList(0, Math.min(problems.size(), 10)));
        return new RegistryException(RegistryException.Reason.STORAGE, message, cause);
    }

    /**
     * Writes atomically: a temporary file in the same directory, fsync, rename over the old file, fsync
     * the directory. The file is created owner-read/write only (it may hold static header values).
     */
    void write(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            byte[] bytes = JSON.writeValueAsBytes(toJson());
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnly(dir))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically in " + dir, e);
            }
            syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException ignored) {
                // the original failure matters more; a stray temp file is ignored on the next read
            }
            if (e instanceof FileAlreadyExistsException) {
                throw new RegistryException(RegistryException.Reason.STORAGE,
                        "cannot write registry state file " + file + ": temporary file exists", e);
            }
            throw new RegistryException(RegistryException.Reason.STORAGE,
                    "cannot write registry state file " + file + ": " + e, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // not every platform can fsync a directory; the rename itself was atomic
        }
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode regs = root.putArray("registrations");
        admin.forEach((name, entry) -> {
            ObjectNode e = regs.addObject();
            e.put("name", name);
            e.put("enabled", entry.enabled());
            ArrayNode versions = e.putArray("versions");
            for (Version v : entry.versions()) {
                ObjectNode vn = RegistrationJson.write(v.registration());
                vn.put("registeredBy", v.actor());
                versions.add(vn);
            }
        });
        ArrayNode disabled = root.putArray("disabledConfig");
        disabledConfig.forEach(disabled::add);
        ObjectNode pinsNode = root.putObject("pins");
        pins.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode u = pinsNode.putObject(e.getKey());
            u.put("baselinedAt", e.getValue().baselinedAt().toString());
            ObjectNode tools = u.putObject("tools");
            e.getValue().tools().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(t -> {
                ObjectNode p = tools.putObject(t.getKey());
                p.put("hash", t.getValue().hash());
                p.put("pinnedAt", t.getValue().pinnedAt().toString());
                p.put("pinnedBy", t.getValue().pinnedBy());
            });
        });
        ObjectNode q = root.putObject("quarantine");
        quarantine.forEach((upstream, tools) -> {
            ObjectNode u = q.putObject(upstream);
            tools.forEach((name, tool) -> {
                ObjectNode t = u.putObject(name);
                t.put("reason", tool.reason().name());
                tool.pinnedHash().ifPresent(h -> t.put("pinnedHash", h));
                t.put("observedHash", tool.observedHash());
                t.put("detectedAt", tool.detectedAt().toString());
                t.set("definition", tool.definition());
            });
        });
        return root;
    }

    private static RegistryState fromJson(JsonNode root, List<String> problems) {
        if (!root.isObject()) {
            problems.add("$: expected an object");
            return null;
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt() || format.intValue() != FORMAT) {
            problems.add("format: " + format + " (expected: " + FORMAT + ")");
            return null;
        }
        Map<String, AdminEntry> admin = new LinkedHashMap<>();
        JsonNode regs = root.path("registrations");
        if (!regs.isMissingNode() && !regs.isArray()) {
            problems.add("registrations: expected an array");
        }
        for (int i = 0; i < regs.size(); i++) {
            String path = "registrations[" + i + "]";
            JsonNode e = regs.get(i);
            String name = e.path("name").asText("");
            JsonNode versionsNode = e.path("versions");
            if (!e.path("enabled").isBoolean() || !versionsNode.isArray() || versionsNode.isEmpty()) {
                problems.add(path + ": expected {name, enabled, versions: [..]}");
                continue;
            }
            List<Version> versions = new ArrayList<>();
            for (int j = 0; j < versionsNode.size(); j++) {
                ObjectNode vn = versionsNode.get(j).isObject() ? ((ObjectNode) versionsNode.get(j)).deepCopy() : null;
                if (vn == null) {
                    problems.add(path + ".versions[" + j + "]: expected an object");
                    continue;
                }
                JsonNode by = vn.remove("registeredBy");
                Registration r = RegistrationJson.parseStored(vn, problems, path + ".versions[" + j + "]");
                if (r != null) {
                    if (!r.name().equals(name)) {
                        problems.add(path + ".versions[" + j + "].name: " + r.name() + " (expected: " + name + ")");
                    }
                    versions.add(new Version(r, by == null ? "unknown" : by.asText()));
                }
            }
            if (admin.containsKey(name)) {
                problems.add(path + ".name: duplicate '" + name + "'");
            } else if (!versions.isEmpty()) {
                admin.put(name, new AdminEntry(versions, e.get("enabled").booleanValue()));
            }
        }
        Set<String> disabledConfig = new LinkedHashSet<>();
        for (JsonNode n : root.path("disabledConfig")) {
            disabledConfig.add(n.asText());
        }
        Map<String, Pins> pins = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> u : root.path("pins").properties()) {
            String path = "pins." + u.getKey();
            Instant baselined = instant(u.getValue().path("baselinedAt"), path + ".baselinedAt", problems);
            Map<String, Pin> tools = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : u.getValue().path("tools").properties()) {
                String tp = path + ".tools." + Checks.printable(t.getKey());
                String hash = hash(t.getValue().path("hash"), tp + ".hash", problems);
                Instant at = instant(t.getValue().path("pinnedAt"), tp + ".pinnedAt", problems);
                String by = t.getValue().path("pinnedBy").asText("unknown");
                if (hash != null && at != null) {
                    tools.put(t.getKey(), new Pin(hash, at, by));
                }
            }
            if (baselined != null) {
                pins.put(u.getKey(), new Pins(baselined, tools));
            }
        }
        Map<String, Map<String, QuarantinedTool>> quarantine = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> u : root.path("quarantine").properties()) {
            Map<String, QuarantinedTool> tools = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : u.getValue().properties()) {
                String tp = "quarantine." + u.getKey() + "." + Checks.printable(t.getKey());
                JsonNode q = t.getValue();
                try {
                    QuarantinedTool.Reason reason = QuarantinedTool.Reason.valueOf(q.path("reason").asText());
                    Optional<String> pinned = q.hasNonNull("pinnedHash")
                            ? Optional.ofNullable(hash(q.get("pinnedHash"), tp + ".pinnedHash", problems))
                            : Optional.empty();
                    String observed = hash(q.path("observedHash"), tp + ".observedHash", problems);
                    Instant at = instant(q.path("detectedAt"), tp + ".detectedAt", problems);
                    JsonNode def = q.path("definition");
                    if (observed != null && at != null && def.isObject()) {
                        tools.put(t.getKey(), new QuarantinedTool(u.getKey(), t.getKey(), reason, pinned, observed, at,
                                (ObjectNode) def));
                    } else if (!def.isObject()) {
                        problems.add(tp + ".definition: expected an object");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(tp + ": " + e.getMessage());
                }
            }
            quarantine.put(u.getKey(), tools);
        }
        return new RegistryState(admin, disabledConfig, pins, quarantine);
    }

    private static Instant instant(JsonNode n, String path, List<String> problems) {
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            problems.add(path + ": '" + Checks.printable(n.asText()) + "' (expected: an RFC 3339 instant)");
            return null;
        }
    }

    private static String hash(JsonNode n, String path, List<String> problems) {
        String h = n.asText();
        if (!h.matches("sha256:[0-9a-f]{64}")) {
            problems.add(path + ": '" + Checks.printable(h) + "' (expected: sha256:<64 hex digits>)");
            return null;
        }
        return h;
    }
}
