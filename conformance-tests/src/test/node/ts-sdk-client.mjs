// Drives an MCP URL with the official TypeScript SDK client (@modelcontextprotocol/sdk, session era,
// StreamableHTTPClientTransport) and prints what it observed as one JSON line. Run through run-client.sh.
import { report } from "./report.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const url = process.argv[2];
const seen = { samplingRequests: 0, elicitationRequests: 0, progress: [] };
const textOf = (result) => (result.content ?? []).find((c) => c.type === "text")?.text ?? null;

const client = new Client(
  { name: "portcullis-ts-sdk-check", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: {} } },
);
client.setRequestHandler(CreateMessageRequestSchema, async () => {
  seen.samplingRequests++;
  return { role: "assistant", content: { type: "text", text: "TS SDK sampled this" }, model: "test-model", stopReason: "endTurn" };
});
client.setRequestHandler(ElicitRequestSchema, async () => {
  seen.elicitationRequests++;
  return { action: "accept", content: { username: "ts-sdk", email: "ts@example.com" } };
});

await report("ts-sdk-client", seen, async () => {
  const token = process.env.MCP_BEARER_TOKEN;
  const transport = new StreamableHTTPClientTransport(new URL(url),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
  await client.connect(transport);
  seen.protocolVersion = transport.protocolVersion ?? null;
  seen.sessionId = transport.sessionId ?? null;
  seen.serverName = client.getServerVersion()?.name ?? null;
  seen.tools = (await client.listTools()).tools.map((t) => t.name);
  seen.simpleText = textOf(await client.callTool({ name: "test_simple_text", arguments: {} }));
  await client.callTool({ name: "test_tool_with_progress", arguments: {} }, undefined, {
    onprogress: (p) => seen.progress.push(p.progress),
  });
  seen.samplingResult = textOf(await client.callTool({ name: "test_sampling", arguments: { prompt: "Say hi" } }));
  seen.elicitationResult = textOf(await client.callTool({ name: "test_elicitation", arguments: { message: "Who are you?" } }));
  seen.resourceText = (await client.readResource({ uri: "test://static-text" })).contents[0]?.text ?? null;
  const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "alpha", arg2: "beta" } });
  seen.promptText = prompt.messages[0]?.content?.text ?? null;
  await transport.terminateSession();
  await client.close();
});
