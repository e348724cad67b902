package dev.portcullis.server.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the gateway tells clients about itself as an OAuth protected resource: RFC 9728 metadata
 * documents and the RFC 6750 / RFC 9728 {@code WWW-Authenticate} challenges pointing at them. Every URI
 * here is built from the configured resource, never from request headers such as {@code Host}.
 */
final class ResourceServer {
    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI resource;
    private final String origin;
    private final String resourcePath;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;
    private final List<String> requiredScopes;

    ResourceServer(URI resource, List<String> authorizationServers, List<String> scopesSupported,
                   List<String> requiredScopes) {
        this.resource = resource;
        this.origin = resource.getScheme() + "://" + resource.getRawAuthority();
        String p = resource.getRawPath() == null ? "" : resource.getRawPath();
        this.resourcePath = p;
        this.authorizationServers = List.copyOf(authorizationServers);
        this.scopesSupported = List.copyOf(scopesSupported);
        this.requiredScopes = List.copyOf(requiredScopes);
    }

    /**
     * The metadata document for a well-known suffix: empty suffix (root), the resource's own path, or
     * one upstream below it.
     */
    Optional<byte[]> metadata(String suffix) {
        String resourceId;
        if (suffix.isEmpty() || suffix.equals("/") || suffix.equals(resourcePath)) {
            resourceId = resource.toString();
        } else if (upstreamOf(suffix).isPresent() && suffix.equals(resourcePath + "/" + upstreamOf(suffix).get())) {
            resourceId = resource + "/" + upstreamOf(suffix).get();
        } else {
            return Optional.empty();
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", resourceId);
        doc.put("authorization_servers", authorizationServers);
        if (!scopesSupported.isEmpty()) {
            doc.put("scopes_supported", scopesSupported);
        }
        doc.put("bearer_methods_supported", List.of("header"));
        doc.put("resource_name", "Portcullis MCP gateway");
        try {
            return Optional.of(JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The metadata URL for a request path: path-suffixed for the resource and its upstreams, else the root. */
    String metadataUrl(String path) {
        if (!resourcePath.isEmpty() && path.equals(resourcePath)) {
            return origin + METADATA_PATH + resourcePath;
        }
        Optional<String> upstream = upstreamOf(path);
        if (upstream.isPresent()) {
            return origin + METADATA_PATH + resourcePath + "/" + upstream.get();
        }
        return origin + METADATA_PATH;
    }

    /** The {@code WWW-Authenticate} value for a failure, or empty when the answer carries no challenge. */
    Optional<String> challenge(AuthFailure failure, String path) {
        String error = switch (failure) {
            case MISSING_TOKEN -> null;
            case TOKEN_IN_QUERY, MALFORMED_HEADER -> "invalid_request";
            case INSUFFICIENT_SCOPE -> "insufficient_scope";
            case CLIENT_IP_DENIED, TOKEN_IP_MISMATCH, IDP_UNAVAILABLE, NOT_READY -> "";
            default -> "invalid_token";
        };
        if ("".equals(error)) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("Bearer resource_metadata=\"").append(metadataUrl(path)).append('"');
        List<String> scopes = requiredScopes.isEmpty() ? scopesSupported : requiredScopes;
        if (!scopes.isEmpty()) {
            sb.append(", scope=\"").append(String.join(" ", scopes)).append('"');
        }
        if (error != null) {
            sb.append(", error=\"").append(error).append('"');
        }
        return Optional.of(sb.toString());
    }

    private Optional<String> upstreamOf(String path) {
        if (!path.startsWith(resourcePath + "/")) {
            return Optional.empty();
        }
        String rest = path.substring(resourcePath.length() + 1);
        int slash = rest.indexOf('/');
        String upstream = slash < 0 ? rest : rest.substring(0, slash);
        return UPSTREAM.matcher(upstream).matches() ? Optional.of(upstream) : Optional.empty();
    }
}
