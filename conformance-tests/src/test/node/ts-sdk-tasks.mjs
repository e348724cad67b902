// Runs a task-based tool (server-everything's simulate-research-query, taskSupport "required") through an MCP URL with
// the official TypeScript SDK client's tasks API, answering the elicitation the task asks for on its way, and prints
// what it observed as one JSON line. Run through run-client.sh.
import { report } from "./report.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const url = process.argv[2];
const tool = process.env.MCP_TASK_TOOL ?? "simulate-research-query";
const seen = { statuses: [], elicitations: [], elicitationTaskIds: [] };

const client = new Client(
  { name: "portcullis-ts-sdk-tasks", version: "1.0.0" },
  { capabilities: { elicitation: {} } },
);
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  seen.elicitations.push(request.params.message);
  const related = request.params?._meta?.["io.modelcontextprotocol/related-task"]?.taskId;
  if (related) {
    seen.elicitationTaskIds.push(related);
  }
  return { action: "accept", content: { interpretation: "the gateway" } };
});

await report("ts-sdk-tasks", seen, async () => {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  seen.protocolVersion = transport.protocolVersion ?? null;
  seen.serverTasks = client.getServerCapabilities()?.tasks ?? null;
  const listed = (await client.listTools()).tools.find((t) => t.name === tool);
  seen.taskSupport = listed?.execution?.taskSupport ?? null;
  const stream = client.experimental.tasks.callToolStream({ name: tool, arguments: { topic: "federated gateways", ambiguous: true } });
  for await (const message of stream) {
    if (message.type === "taskCreated") {
      seen.taskId = message.task.taskId;
    } else if (message.type === "taskStatus") {
      seen.statuses.push(message.task.status);
    } else if (message.type === "result") {
      seen.resultText = (message.result.content ?? []).find((c) => c.type === "text")?.text ?? null;
      seen.resultTaskId = message.result._meta?.["io.modelcontextprotocol/related-task"]?.taskId ?? null;
    } else if (message.type === "error") {
      seen.streamError = String(message.error?.message ?? message.error);
    }
  }
  seen.finalStatus = (await client.experimental.tasks.getTask(seen.taskId)).status;
  seen.listedIds = (await client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId);
  await transport.terminateSession();
  await client.close();
}, 90_000);
