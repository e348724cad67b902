// A minimal 2025-11-25 MCP server over stdio (no dependencies): tools/call of "job" with a task answers a
// CreateTaskResult at once, then reports the task's progress twice with the call's progressToken, which the
// specification keeps valid for the task's lifetime. Everything else answers an empty result.
import readline from "node:readline";

const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const now = new Date().toISOString();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) {
    return;
  }
  const answer = (result) => send({ jsonrpc: "2.0", id: m.id, result });
  switch (m.method) {
    case "initialize":
      answer({
        protocolVersion: "2025-11-25",
        capabilities: { tools: {}, tasks: { cancel: {}, requests: { tools: { call: {} } } } },
        serverInfo: { name: "task-progress", version: "1" },
      });
      break;
    case "tools/list":
      answer({ tools: [{ name: "job", inputSchema: { type: "object" }, execution: { taskSupport: "optional" } }] });
      break;
    case "tools/call": {
      const token = m.params?._meta?.progressToken;
      answer({ task: { taskId: "t-1", status: "working", createdAt: now, lastUpdatedAt: now, ttl: 60000 } });
      if (token !== undefined) {
        setTimeout(() => {
          send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1, total: 2 } });
          send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 2, total: 2 } });
        }, 100);
      }
      break;
    }
    default:
      answer({});
  }
});
