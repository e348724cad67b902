package dev.portcullis.server.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fetches small JSON documents (discovery, JWKS) with timeouts and a size cap; never sends credentials. */
final class HttpJson {
    static final int MAX_BYTES = 512 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    HttpJson(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    String get(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + response.statusCode());
            }
            byte[] body = in.readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw new IOException("GET " + uri + ": document larger than " + MAX_BYTES + " bytes");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
