/**
 * Layer-1 authentication: Portcullis as an OAuth 2.1 resource server (MCP authorization).
 *
 * <p>{@link dev.portcullis.server.auth.AuthFeature} wires a Helidon filter that, for protected routes,
 * resolves the client address (trusted proxies only), applies per-route CIDR rules, verifies the
 * bearer token with {@link dev.portcullis.server.auth.Authenticator} (JWT against the issuer's JWKS, or
 * RFC 7662 introspection for opaque tokens), checks required scopes and token IP pinning, and exposes
 * the verified {@link dev.portcullis.core.Caller} through {@link dev.portcullis.server.auth.AuthContext}.
 * It also serves RFC 9728 Protected Resource Metadata and, in demo/dev mode only, a development token
 * issuer. Failures are answered with {@code 401}/{@code 403} and a {@code WWW-Authenticate} challenge;
 * the precise reason is logged, never shown.
 *
 * <p>Built on Nimbus JOSE+JWT and the Nimbus OAuth 2.0 SDK because Helidon Security is not available
 * for Helidon 4.5; the shape (provider, verified subject, challenge) follows Helidon Security's.
 */
package dev.portcullis.server.auth;
