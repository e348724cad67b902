/**
 * The Model Context Protocol as Portcullis speaks it: JSON-RPC 2.0 messages, protocol revisions of
 * both eras (2025-06-18 and 2025-11-25 with sessions; 2026-07-28 stateless), and a client for
 * upstream MCP servers ({@link dev.portcullis.mcp.UpstreamConnector}) over Streamable HTTP or stdio.
 *
 * <p>Params and results are kept as Jackson trees so that nothing a client or server sends is lost on
 * the way through the gateway (unknown fields, {@code _meta}, extensions all pass unchanged).
 */
package dev.portcullis.mcp;
