package dev.portcullis.server;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.observe.LoggingSetup;
import dev.portcullis.server.observe.Telemetry;
import io.helidon.config.Config;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code portcullis} command line. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad
 * configuration.
 */
@Command(name = "portcullis",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Identity-first security gateway for MCP and LLM traffic.",
        subcommands = {Main.Serve.class, Main.Demo.class, PolicyCommand.class, OpenApiCommand.class, Main.VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code for bad usage and bad configuration. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "dev.portcullis.server.observe.PortcullisLogManager");
        }
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (code != 0 || !Serving.running()) {
            System.exit(code);
        }
    }

    /**
     * Runs the CLI without exiting the JVM (used by tests).
     *
     * @param args arguments
     * @param out  standard output
     * @param err  standard error
     * @return exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException ce) {
                commandLine.getErr().println("portcullis: " + ce.getMessage());
                return EXIT_USAGE;
            }
            commandLine.getErr().println("portcullis: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Prints the version. */
    @Command(name = "version", description = "Print the Portcullis version and runtime.")
    static final class VersionCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            for (String line : new Version().getVersion()) {
                spec.commandLine().getOut().println(line);
            }
            return 0;
        }
    }

    /** Version text for {@code --version} and {@code version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                    "portcullis " + version(),
                    "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }

        static String version() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "development" : v;
        }
    }

    /** Starts the gateway with a configuration file. */
    @Command(name = "serve", description = "Start the gateway with a configuration file.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "<file>",
                description = "YAML configuration file. PORTCULLIS_* environment variables override its keys.")
        Path config;

        @Option(names = "--check", description = "Validate the configuration and exit (0 when valid).")
        boolean check;

        @Override
        public Integer call() {
            Config root = ConfigLoader.load(config, System.getenv());
            GatewayConfig gatewayConfig = GatewayConfig.create(root);
            if (check) {
                spec.commandLine().getOut().println(config + ": valid");
                return 0;
            }
            Serving.start(gatewayConfig, spec.commandLine().getOut(), false);
            return 0;
        }
    }

    /** Starts the gateway with the bundled demo configuration. */
    @Command(name = "demo", description = "Start the gateway with the bundled demo configuration (loopback only).")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-p", "--port"}, paramLabel = "<port>", description = "Port to listen on (default: 8080; 0 = any free port).")
        Integer port;

        @Override
        public Integer call() {
            Config root = ConfigLoader.loadResource("demo/portcullis-demo.yaml", System.getenv());
            GatewayConfig c = GatewayConfig.create(root);
            if (c.mode() != GatewayConfig.Mode.DEMO) {
                throw new ConfigException(java.util.List.of("mode: the demo configuration must run in mode demo"));
            }
            if (port != null) {
                if (port < 0 || port > 65535) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + port + " (expected: 0..65535)");
                }
                c = c.withServer(new GatewayConfig.Server(c.server().host(), port, c.server().maxBodySize(),
                        c.server().shutdownGrace()));
            }
            // the demo federates a small built-in MCP server, so the gateway's main job works out of the box
            LoggingSetup.apply(c.logging());
            dev.portcullis.server.demo.DemoUpstream upstream = dev.portcullis.server.demo.DemoUpstream.start();
            Runtime.getRuntime().addShutdownHook(new Thread(upstream::close, "portcullis-demo-upstream"));
            c = c.withUpstream(new dev.portcullis.registry.Registration("demo", "Demo upstream",
                    "A small built-in MCP server for trying the gateway", "1.0.0",
                    new dev.portcullis.mcp.UpstreamTarget.Http("demo", java.net.URI.create(upstream.url()), java.util.Map.of(),
                            java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), java.util.Optional.empty()),
                    "demo__", true, dev.portcullis.registry.Registration.Source.CONFIG, java.time.Instant.now()));
            if (c.policy().file().isEmpty()) {
                c = c.withPolicy(c.policy().withFile(demoPolicy()));
            }
            Serving.start(c, spec.commandLine().getOut(), true);
            return 0;
        }
    }

    /** The bundled demo policy, copied to a temporary file (the policy is read, and watched, from a file). */
    static java.nio.file.Path demoPolicy() {
        try (java.io.InputStream in = Main.class.getResourceAsStream("/demo/portcullis-demo-policy.yaml")) {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("portcullis-demo-policy", ".yaml");
            file.toFile().deleteOnExit();
            java.nio.file.Files.write(file, in.readAllBytes());
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starting and stopping the long-running server process. */
    static final class Serving {
        private static volatile boolean running;

        private Serving() {
        }

        static boolean running() {
            return running;
        }

        static void start(GatewayConfig config, PrintWriter out, boolean demo) {
            LoggingSetup.apply(config.logging());
            System.Logger logger = System.getLogger(Main.class.getName());
            if (config.mode() != GatewayConfig.Mode.PRODUCTION) {
                logger.log(System.Logger.Level.WARNING, "Running in " + config.mode().name().toLowerCase(java.util.Locale.ROOT)
                        + " mode: development-only features are enabled. Never expose this instance.");
            }
            Telemetry telemetry = Telemetry.create(config.telemetry());
            GatewayApp app = GatewayApp.start(config, telemetry.openTelemetry(), Version.version());
            Gateway gateway = app.gateway();
            Duration startup = Duration.ofMillis(System.currentTimeMillis()
                    - ManagementFactory.getRuntimeMXBean().getStartTime());
            logger.log(System.Logger.Level.INFO, "Portcullis " + Version.version() + " listening on " + gateway.baseUri()
                    + " (started in " + startup.toMillis() + " ms)");
            CountDownLatch stopped = new CountDownLatch(1);
            running = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    app.close();
                    telemetry.close();
                } finally {
                    for (var handler : java.util.logging.Logger.getLogger("").getHandlers()) {
                        handler.flush();
                    }
                    stopped.countDown();
                }
            }, "portcullis-shutdown"));
            if (demo) {
                DemoBanner.print(out, gateway, startup);
            }
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
