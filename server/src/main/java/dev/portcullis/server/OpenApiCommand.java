package dev.portcullis.server;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.openapi.OpenApiException;
import dev.portcullis.openapi.OpenApiTool;
import dev.portcullis.openapi.OpenApiToolset;
import dev.portcullis.openapi.SpecProblem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis openapi tools|check}: what an OpenAPI document becomes without starting a gateway. Both
 * convert with default registration options (every operation, no renames). Exit 2 with one line on standard
 * error when the document cannot be read or is not OpenAPI 2.0/3.0/3.1.
 */
@Command(name = "openapi", description = "Show the MCP tools an OpenAPI document produces, and its problems.",
        subcommands = {OpenApiCommand.Tools.class, OpenApiCommand.Check.class})
final class OpenApiCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Options both subcommands share. */
    static final class Source {
        @Parameters(index = "0", paramLabel = "<spec>", description = "the OpenAPI document: a file path or an http(s) URL")
        String location;

        @Option(names = "--allow-private-networks",
                description = "let remote $refs (and a URL <spec>) point at loopback or private addresses")
        boolean allowPrivate;

        /** @return the conversion, or empty after printing one line to {@code err} */
        Optional<OpenApiToolset> load(PrintWriter err) {
            UpstreamTarget.OpenApi target = new UpstreamTarget.OpenApi("cli",
                    new UpstreamTarget.OpenApi.Spec.Location(location), Optional.empty(),
                    UpstreamTarget.OpenApi.Selection.ALL, Map.of(), Map.of(), allowPrivate, Optional.empty(),
                    Duration.ofSeconds(5), Duration.ofSeconds(30), UpstreamTarget.OpenApi.DEFAULT_MAX_RESPONSE_BYTES);
            try {
                return Optional.of(OpenApiToolset.load(target));
            } catch (OpenApiException e) {
                err.println("portcullis openapi: " + oneLine(e.getMessage()));
            } catch (RuntimeException e) {
                // a parser failure we did not anticipate: still one line, never a stack trace
                err.println("portcullis openapi: " + location + ": cannot be converted (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())) + ")");
            }
            return Optional.empty();
        }
    }

    static String oneLine(String s) {
        String flat = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    /** Lists the tools: one line each, or the MCP tool definitions as JSON. */
    @Command(name = "tools", description = "Print the tools a document produces (name, method, path, description); "
            + "--json prints the MCP tool definitions.")
    static final class Tools implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Source source;

        @Option(names = "--json", description = "print {\"tools\": [...]} as tools/list would answer")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<OpenApiToolset> set = source.load(spec.commandLine().getErr());
            if (set.isEmpty()) {
                return Main.EXIT_USAGE;
            }
            if (json) {
                ObjectNode list = JSON.createObjectNode();
                ArrayNode tools = list.putArray("tools");
                set.get().tools().forEach(t -> tools.add(t.toJson()));
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
                return 0;
            }
            int nameWidth = set.get().tools().stream().mapToInt(t -> t.name().length()).max().orElse(4);
            int methodWidth = set.get().tools().stream().mapToInt(t -> t.method().length()).max().orElse(6);
            int pathWidth = set.get().tools().stream().mapToInt(t -> t.path().length()).max().orElse(4);
            String format = "%-" + nameWidth + "s  %-" + methodWidth + "s  %-" + pathWidth + "s  %s%n";
            for (OpenApiTool t : set.get().tools()) {
                out.printf(format, t.name(), t.method(), t.path(), summary(t.description())).flush();
            }
            out.println(tools(set.get()) + problemCount(set.get()));
            return 0;
        }

        private static String summary(String description) {
            String first = oneLine(description.lines().findFirst().orElse(""));
            return first.length() > 100 ? first.substring(0, 99) + "…" : first;
        }
    }

    /** Lists conversion problems with their JSON-pointer locations. */
    @Command(name = "check", description = "List conversion problems with JSON-pointer locations; exit 0 when every "
            + "operation converts (warnings allowed), 2 otherwise.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Source source;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<OpenApiToolset> set = source.load(spec.commandLine().getErr());
            if (set.isEmpty()) {
                return Main.EXIT_USAGE;
            }
            for (SpecProblem p : set.get().problems()) {
                out.println(p);
            }
            boolean errors = set.get().problems().stream().anyMatch(p -> p.severity() == SpecProblem.Severity.ERROR);
            out.println(source.location + ": " + (errors ? "not every operation converts" : "valid") + ", "
                    + tools(set.get()) + problemCount(set.get()));
            return errors ? Main.EXIT_USAGE : 0;
        }
    }

    private static String tools(OpenApiToolset set) {
        return set.tools().size() + (set.tools().size() == 1 ? " tool" : " tools");
    }

    private static String problemCount(OpenApiToolset set) {
        long errors = set.problems().stream().filter(p -> p.severity() == SpecProblem.Severity.ERROR).count();
        long warnings = set.problems().size() - errors;
        return ", " + errors + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning" : " warnings");
    }
}
