package dev.portcullis.server;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.portcullis.server.auth.AuthFeature;

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
        List<AuthFeature.DemoToken> tokens = gateway.capability(AuthFeature.class)
                .map(AuthFeature::demoTokens).orElse(List.of());
        if (!tokens.isEmpty()) {
            out.println("Layer-1 OAuth (development issuer; demo tokens, valid for this run only):");
            out.println("  curl -s " + base + "/.well-known/oauth-protected-resource/mcp");
            out.println("  curl -si -X POST " + base + "/mcp               # 401 + WWW-Authenticate");
            for (AuthFeature.DemoToken t : tokens) {
                String var = t.user().toUpperCase(Locale.ROOT) + "_TOKEN";
                out.println();
                out.println("  # " + t.user() + " (groups: " + String.join(", ", t.groups()) + ")");
                out.println("  export " + var + "=" + t.token());
            }
            out.println();
            out.println("MCP through the gateway (upstream 'demo' is a built-in sample server; its tools appear as demo__*):");
            out.println("Policy (docs/PERSONAS.md): the demo agent plays persona finance-analyst-agent; alice (finance) may use"
                    + " lookup_customer + create_invoice, bob (support) read-only tools; echo is outside the persona.");
            out.println("  # a 2026-07-28 (stateless) request: no session needed");
            out.println("  curl -s " + base + "/mcp -H \"Authorization: Bearer $ALICE_TOKEN\" \\");
            out.println("    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\");
            out.println("    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: demo__lookup_customer' \\");
            out.println("    -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__lookup_customer\","
                    + "\"arguments\":{\"customer_id\":\"C-1001\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}'");
            out.println("  # any MCP client, e.g. the MCP Inspector:");
            out.println("  npx -y @modelcontextprotocol/inspector --cli " + base + "/mcp --transport http --method tools/list \\");
            out.println("    --header \"Authorization: Bearer $ALICE_TOKEN\"");
            out.println("  # Claude Code: claude mcp add --transport http portcullis " + base
                    + "/mcp --header \"Authorization: Bearer $ALICE_TOKEN\"");
            out.println();
        }
        out.println("Press Ctrl-C to stop (in-flight requests are drained first).");
        out.flush();
    }
}
