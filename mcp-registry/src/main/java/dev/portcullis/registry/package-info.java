/**
 * The trusted registry of upstream MCP servers: only registered upstreams are reachable through the
 * gateway (no shadow MCP).
 *
 * <p>{@link dev.portcullis.registry.Registry} holds the {@link dev.portcullis.registry.Registration
 * registrations} (from configuration and from the admin API, with version history), persists them in an
 * atomic JSON state file, tracks {@link dev.portcullis.registry.Health health}, serves read views shaped
 * like the official MCP registry API ({@code /v0.1/servers}), and pins every upstream tool definition
 * by its {@link dev.portcullis.registry.ToolFingerprint fingerprint} so that changed or unexpected tools
 * are {@link dev.portcullis.registry.QuarantinedTool quarantined} until an administrator approves them.
 *
 * <p>This module has no Helidon dependency; the server module maps configuration and HTTP onto it and
 * maps {@link dev.portcullis.registry.RegistryException.Reason} onto HTTP statuses.
 */
package dev.portcullis.registry;
