// A 2026-07-28 MCP server for mcp-core tests, built with the v2 TypeScript SDK (createMcpHandler,
// 2026-07-28 with the default stateless 2025 fallback).
// Usage: node modern-server.mjs PORT   (Streamable HTTP on 127.0.0.1 only; prints "ready PORT" when listening)
//        node modern-server.mjs stdio  (serveStdio: 2026-07-28 after a server/discover opening, else 2025)
import http from 'node:http';
import { McpServer, createMcpHandler, inputRequired, acceptedContent } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const stdio = process.argv[2] === 'stdio';
const port = stdio ? 0 : Number(process.argv[2] || 0);
const state = { aborted: 0 };
const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(new Error('aborted')); }, { once: true });
});

let handler;
const factory = () => {
  const server = new McpServer({ name: 'portcullis-modern-test', version: '1.0.0' }, {
    capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } },
    instructions: 'Test server for Portcullis.'
  });
  server.registerTool('echo', { description: 'Echoes a message', inputSchema: z.object({ message: z.string() }) },
    async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));

  // reports the W3C trace context the request carried in params._meta
  server.registerTool('trace', { description: 'Reports the trace context in _meta', inputSchema: z.object({}) },
    async (_args, ctx) => ({ content: [{ type: 'text', text: JSON.stringify({
      traceparent: ctx.mcpReq._meta?.traceparent ?? null, tracestate: ctx.mcpReq._meta?.tracestate ?? null }) }] }));

  // needs elicitation: multi-round-trip with opaque request state
  server.registerTool('confirm', { description: 'Asks before acting', inputSchema: z.object({ action: z.string() }) },
    async ({ action }, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'confirm');
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({
              message: `Really ${action}?`,
              requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }
            })
          },
          requestState: `state-for-${action}`
        });
      }
      return { content: [{ type: 'text', text: `${action}: ok=${answer.ok}, state=${ctx.mcpReq.requestState()}` }] };
    });

  // needs two rounds: elicitation, then sampling; the first answer travels in requestState, as the
  // spec asks (a retry carries only the responses to the latest round's input requests)
  server.registerTool('two-rounds', { description: 'Asks twice', inputSchema: z.object({}) }, async (_args, ctx) => {
    const r = ctx.mcpReq.inputResponses ?? {};
    const carried = ctx.mcpReq.requestState() ? JSON.parse(ctx.mcpReq.requestState()) : {};
    if (r.first) {
      return inputRequired({ inputRequests: { second: inputRequired.createMessage({ maxTokens: 5,
        messages: [{ role: 'user', content: { type: 'text', text: 'second?' } }] }) },
        requestState: JSON.stringify({ first: r.first.content?.v }) });
    }
    if (r.second && carried.first !== undefined) {
      return { content: [{ type: 'text', text: `first=${carried.first} second=${r.second.content?.text}` }] };
    }
    return inputRequired({ inputRequests: { first: inputRequired.elicit({ message: 'first?',
      requestedSchema: { type: 'object', properties: { v: { type: 'string' } } } }) } });
  });

  server.registerTool('progress', { description: 'Reports progress', inputSchema: z.object({ steps: z.number() }) },
    async ({ steps }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps } });
        }
        await sleep(30);
      }
      return { content: [{ type: 'text', text: `done ${steps}` }] };
    });

  server.registerTool('slow', { description: 'Sleeps until aborted', inputSchema: z.object({ ms: z.number() }) },
    async ({ ms }, ctx) => {
      if (ctx.mcpReq._meta?.progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: ctx.mcpReq._meta.progressToken, progress: 0 } });
      }
      try {
        await sleep(ms, ctx.mcpReq.signal);
      } catch (e) {
        state.aborted++;
        throw e;
      }
      return { content: [{ type: 'text', text: 'slept' }] };
    });

  // a parameter mirrored into the Mcp-Param-Region header (x-mcp-header), checked by the SDK against the body
  server.registerTool('regional', { description: 'Runs a query in a region',
    inputSchema: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }), query: z.string() }) },
    async ({ region, query }, ctx) => ({ content: [{ type: 'text',
      text: `${query} in ${region} (header ${ctx.http?.req?.headers?.get('mcp-param-region') ?? 'n/a'})` }] }));

  server.registerTool('aborted-count', { description: 'How many slow calls were aborted', inputSchema: z.object({}) },
    async () => ({ content: [{ type: 'text', text: String(state.aborted) }] }));

  server.registerTool('touch', { description: 'Publishes change notifications', inputSchema: z.object({ uri: z.string() }) },
    async ({ uri }) => {
      setTimeout(() => {
        if (handler) {
          handler.notify.toolsChanged();
          handler.notify.resourceUpdated(uri);
        } else {
          server.sendToolListChanged();
          server.server.sendResourceUpdated({ uri });
        }
      }, 50);
      return { content: [{ type: 'text', text: 'touched' }] };
    });

  server.registerResource('doc', 'test://doc', { mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, text: 'hello' }] }));
  return server;
};

if (stdio) {
  serveStdio(factory);
} else {
  startHttp();
}

function startHttp() {
handler = createMcpHandler(factory);

// node:http <-> fetch adapter (kept local so the test needs only @modelcontextprotocol/server)
const httpServer = http.createServer(async (req, res) => {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x)); else if (v !== undefined) headers.set(k, v);
    }
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      signal: abort.signal
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.flushHeaders();
    if (response.body) {
      const reader = response.body.getReader();
      abort.signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    }
    res.end();
  } catch (e) {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});
httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${httpServer.address().port}\n`);
});
}
process.on('SIGTERM', () => process.exit(0));
