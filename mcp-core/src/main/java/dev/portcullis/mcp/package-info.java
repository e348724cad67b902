/**
 * The Model Context Protocol as Portcullis speaks it: JSON-RPC 2.0 messages, protocol revisions of
 * both eras (2025-06-18 and 2025-11-25 with sessions; 2026-07-28 stateless), and a client for
 * upstream MCP servers ({@link dev.portcullis.mcp.UpstreamConnector}) over Streamable HTTP or stdio.
 *
 * <p>Params and results are kept as Jackson trees so that nothing a client or server sends is lost on
 * the way through the gateway (unknown fields, {@code _meta}, extensions all pass unchanged).
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link dev.portcullis.mcp.JsonRpc}: strict codec; every decoding failure is a
 *       {@link dev.portcullis.mcp.JsonRpcException} whose {@code reply()} is the error response to send.</li>
 *   <li>{@link dev.portcullis.mcp.SseReader} / {@link dev.portcullis.mcp.Sse}: {@code text/event-stream}
 *       parsing and encoding.</li>
 *   <li>{@link dev.portcullis.mcp.UpstreamConnectors#create()}: the connector. It detects an upstream's era
 *       when the target does not fix it (a {@code server/discover} probe, falling back to
 *       {@code initialize}), and hides the era behind {@link dev.portcullis.mcp.UpstreamConnection}.</li>
 * </ul>
 *
 * <h2>Failure contract of connections</h2>
 * {@link dev.portcullis.mcp.UpstreamConnection#request} answers with the result, throws the upstream's
 * JSON-RPC error as {@link dev.portcullis.mcp.McpError}, or throws
 * {@link dev.portcullis.mcp.UpstreamException} whose message is {@code upstream '<name>': <failure kind>}
 * (unreachable, HTTP status, timed out, cancelled, malformed message, process exited, ...), never a
 * payload, URL or header value. A request never outlives its target's {@code requestTimeout}, including
 * time spent waiting for the client in {@link dev.portcullis.mcp.Exchange#ask}.
 */
package dev.portcullis.mcp;
