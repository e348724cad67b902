package dev.portcullis.server;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code portcullis demo} prints once the gateway is up: where it listens and what to try.
 */
final class DemoBanner {
    private DemoBanner() {
    }

    static void print(PrintWriter out, Gateway gateway, Duration startup) {
        String base = gateway.baseUri().toString();
        out.println();
        out.println("Portcullis demo is running (started in " + String.format(Locale.ROOT, "%.2f", startup.toMillis() / 1000.0) + " s).");
        out.println();
        out.println("  Gateway      " + base);
        out.println("  Health       " + base + "/observe/health");
        out.println("  Metrics      " + base + "/observe/metrics");
        out.println();
        out.println("Try:");
        out.println("  curl -s " + base + "/observe/health");
        out.println("  curl -s " + base + "/observe/metrics | grep portcullis");
        out.println("  curl -si " + base + "/no-such-endpoint        # application/problem+json");
        out.println();
        out.println("Press Ctrl-C to stop (in-flight requests are drained first).");
        out.flush();
    }
}
