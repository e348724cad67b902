package dev.portcullis.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import dev.portcullis.personas.AccessClass;
import dev.portcullis.personas.Explanation;
import dev.portcullis.personas.PolicyBundle;
import dev.portcullis.personas.PolicyException;
import dev.portcullis.personas.PolicyLoader;
import dev.portcullis.personas.PolicyProblem;
import dev.portcullis.personas.Target;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis policy check|explain}: validate a bundle, explain a decision. */
@Command(name = "policy", description = "Check policy bundles and explain decisions.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Explain.class})
final class PolicyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Validates a bundle: exit 0 when valid (warnings printed), 2 with file:line:column messages. */
    @Command(name = "check", description = "Validate a policy bundle; exit 0 if valid, 2 with file:line:column problems.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<bundle>", description = "the YAML policy bundle")
        Path bundle;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                PolicyLoader.Loaded loaded = PolicyLoader.load(bundle);
                for (PolicyProblem w : loaded.warnings()) {
                    err.println(w + " (warning)");
                }
                out.println(bundle + ": valid, " + loaded.bundle().personas().size() + " personas, "
                        + loaded.bundle().entitlements().size() + " entitlements, policyVersion "
                        + loaded.bundle().version());
                return 0;
            } catch (PolicyException e) {
                e.problems().forEach(err::println);
                return Main.EXIT_USAGE;
            }
        }
    }

    /** Prints the decision for a hypothetical caller and the grants that made it. */
    @Command(name = "explain", description = "Print the decision for a person, agent and tool, and the grants that made it.")
    static final class Explain implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--bundle", required = true, description = "the YAML policy bundle")
        Path bundle;

        @Option(names = "--user", required = true, description = "subject (sub) of the person")
        String user;

        @Option(names = "--groups", split = ",", description = "IdP groups, comma-separated")
        String[] groups = new String[0];

        @Option(names = "--agent", required = true, description = "the agent's OAuth client_id")
        String agent;

        @Option(names = "--persona-claim", description = "the token's persona claim, if any")
        String personaClaim;

        @Option(names = "--scopes", split = ",", description = "token scopes, comma-separated")
        String[] scopes = new String[0];

        @Option(names = "--upstream", defaultValue = "*", description = "upstream name (default: any)")
        String upstream;

        @Option(names = "--tool", required = true, description = "the upstream's tool name")
        String tool;

        @Option(names = "--access", defaultValue = "read", description = "read, write or destructive (default: read)")
        String access;

        @Option(names = "--at", description = "ISO-8601 instant to decide at (default: now)")
        Instant at;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PolicyBundle b;
            try {
                b = PolicyLoader.load(bundle).bundle();
            } catch (PolicyException e) {
                e.problems().forEach(err::println);
                return Main.EXIT_USAGE;
            }
            AccessClass a = switch (access) {
                case "read" -> AccessClass.READ;
                case "write" -> AccessClass.WRITE;
                case "destructive" -> AccessClass.DESTRUCTIVE;
                default -> null;
            };
            if (a == null) {
                err.println("portcullis: --access: " + access + " (expected: read, write or destructive)");
                return Main.EXIT_USAGE;
            }
            Explanation e = b.explain(new PolicyBundle.Question(user, set(groups), agent,
                    Optional.ofNullable(personaClaim), set(scopes)), Target.Tool.of(upstream, tool, a),
                    at == null ? Instant.now() : at);
            out.print(e.render());
            return 0;
        }

        private static Set<String> set(String[] values) {
            return Arrays.stream(values).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        }
    }
}
