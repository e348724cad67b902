// Drives an MCP URL with the official v2 TypeScript SDK client (@modelcontextprotocol/client, the
// 2026-07-28 stateless revision) and prints what it observed as one JSON line. Run through run-client.sh.
// MCP_BEARER_TOKEN, when set, is sent as "Authorization: Bearer".
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const url = process.argv[2];
const seen = { samplingRequests: 0, elicitationRequests: 0, progress: [] };
const textOf = (result) => (result.content ?? []).find((c) => c.type === "text")?.text ?? null;

const client = new Client(
  { name: "portcullis-v2-sdk-check", version: "1.0.0" },
  // 'auto': probe with server/discover and use 2026-07-28 when the server offers it (the gateway does)
  { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} }, versionNegotiation: { mode: "auto" } },
);
client.setRequestHandler("sampling/createMessage", async () => {
  seen.samplingRequests++;
  return { role: "assistant", content: { type: "text", text: "v2 SDK sampled this" }, model: "test-model", stopReason: "endTurn" };
});
client.setRequestHandler("elicitation/create", async () => {
  seen.elicitationRequests++;
  return { action: "accept", content: { name: "v2-sdk" } };
});

const watchdog = setTimeout(() => { console.error("v2-sdk-client: timed out"); process.exit(3); }, 60_000);
try {
  const token = process.env.MCP_BEARER_TOKEN;
  const transport = new StreamableHTTPClientTransport(new URL(url),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
  await client.connect(transport);
  seen.protocolVersion = transport.protocolVersion ?? null;
  seen.serverName = client.getServerVersion()?.name ?? null;
  seen.tools = (await client.listTools()).tools.map((t) => t.name);
  seen.simpleText = textOf(await client.callTool({ name: "test_simple_text", arguments: {} }));
  await client.callTool({ name: "test_tool_with_progress", arguments: {} }, { onprogress: (p) => seen.progress.push(p.progress) });
  seen.elicitationResult = textOf(await client.callTool({ name: "test_input_required_result_elicitation", arguments: {} }));
  seen.samplingResult = textOf(await client.callTool({ name: "test_input_required_result_sampling", arguments: {} }));
  seen.resourceText = (await client.readResource({ uri: "test://static-text" })).contents[0]?.text ?? null;
  await client.close();
  clearTimeout(watchdog);
  console.log(JSON.stringify(seen));
  process.exit(0);
} catch (e) {
  clearTimeout(watchdog);
  console.error("v2-sdk-client: " + (e?.stack ?? e));
  process.exit(1);
}
