/**
 * OpenAPI → MCP: turns the operations of an OpenAPI 2.0, 3.0 or 3.1 document into MCP tools
 * ({@link dev.portcullis.openapi.OpenApiToolset}), and answers {@code tools/list} and {@code tools/call} for an
 * {@link dev.portcullis.mcp.UpstreamTarget.OpenApi} upstream in-process by calling the backend over HTTP behind an
 * SSRF guard ({@link dev.portcullis.openapi.OpenApiConnector}).
 *
 * <p>Argument layout of every generated tool: one top-level property per parameter (path, query, header, cookie),
 * named after the parameter (sanitised to {@code [A-Za-z0-9_.-]}, and prefixed with its location when two
 * locations use the same name), plus {@code body} for the request body. See {@code docs/OPENAPI.md}.
 */
package dev.portcullis.openapi;
