// The reverse direction of tasks: an upstream (server-everything's trigger-sampling-request-async) asks the client to
// run a sampling request as a task, then polls the client with tasks/get and fetches tasks/result. The official
// TypeScript SDK client acts as the task receiver (InMemoryTaskStore); prints what it observed as one JSON line.
// Run through run-client.sh.
import { report } from "./report.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { InMemoryTaskStore } from "@modelcontextprotocol/sdk/experimental/tasks";

const url = process.argv[2];
const seen = { samplingRequests: 0, taskAugmented: 0 };
const sampled = { role: "assistant", content: { type: "text", text: "sampled as a client task" }, model: "test-model", stopReason: "endTurn" };

const client = new Client(
  { name: "portcullis-ts-sdk-client-tasks", version: "1.0.0" },
  {
    capabilities: { sampling: {}, tasks: { list: {}, cancel: {}, requests: { sampling: { createMessage: {} } } } },
    taskStore: new InMemoryTaskStore(),
  },
);
client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
  seen.samplingRequests++;
  if (request.params.task && extra.taskStore) {
    seen.taskAugmented++;
    const task = await extra.taskStore.createTask({ ttl: request.params.task.ttl ?? 60_000, pollInterval: 200 });
    setTimeout(() => extra.taskStore.storeTaskResult(task.taskId, "completed", sampled), 300);
    return { task };
  }
  return sampled;
});

await report("ts-sdk-client-tasks", seen, async () => {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  seen.tools = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.includes("sampling-request-async"));
  const result = await client.callTool({ name: "trigger-sampling-request-async", arguments: { prompt: "hello" } });
  seen.resultText = (result.content ?? []).find((c) => c.type === "text")?.text ?? null;
  await transport.terminateSession();
  await client.close();
}, 90_000);
