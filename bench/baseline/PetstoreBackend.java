import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

/**
 * The backend of bench/openapi-call.sh: {@code GET /api/v3/pet/{petId}} of the corpus petstore 3.0 document,
 * answering a fixed pet as JSON (the same bytes to the gateway and to direct calls). Loopback only.
 *
 * <p>Run with the server module's class path: {@code java -cp … bench/baseline/PetstoreBackend.java PORT}.
 */
public final class PetstoreBackend {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        WebServer.builder().host("127.0.0.1").port(port).routing(r -> r
                .get("/api/v3/pet/{petId}", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                        .send("{\"id\":" + Long.parseLong(req.path().pathParameters().get("petId"))
                                + ",\"name\":\"rex\",\"category\":{\"id\":1,\"name\":\"Dogs\"},\"photoUrls\":[],"
                                + "\"tags\":[],\"status\":\"available\"}")))
                .build().start();
    }
}
