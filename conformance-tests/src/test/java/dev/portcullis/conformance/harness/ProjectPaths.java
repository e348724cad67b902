package dev.portcullis.conformance.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the Portcullis source tree from a test, wherever Maven was started. */
public final class ProjectPaths {
    private ProjectPaths() {
    }

    /** The reactor root: {@code -Dportcullis.projectRoot}, else the nearest ancestor holding {@code deploy/mcp-tools}. */
    public static Path root() {
        String configured = System.getProperty("portcullis.projectRoot");
        if (configured != null && Files.isDirectory(Path.of(configured, "deploy", "mcp-tools"))) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy").resolve("mcp-tools"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project root (no deploy/mcp-tools above "
                                        + Path.of("").toAbsolutePath() + "); set -Dportcullis.projectRoot");
    }

    /** {@code $MCP_TOOLS_HOME}, default {@code ~/.cache/mcp-tools}: where the shared scripts install node and npm packages. */
    public static Path toolsHome() {
        String configured = System.getenv("MCP_TOOLS_HOME");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "mcp-tools");
    }
}
