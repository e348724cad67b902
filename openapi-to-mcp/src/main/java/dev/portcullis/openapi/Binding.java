package dev.portcullis.openapi;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** How one tool maps onto its HTTP operation: what the invoker needs, nothing the caller sees. */
record Binding(String tool, String method, String path, List<URI> servers, List<Param> params, Optional<Body> body,
               Output output) {

    Binding {
        servers = List.copyOf(servers);
        params = List.copyOf(params);
    }

    /** Where a parameter goes. */
    enum In { PATH, QUERY, HEADER, COOKIE }

    /**
     * @param arg           argument (property) name in the tool's input
     * @param name          parameter name on the wire
     * @param in            location
     * @param style         serialisation style ({@code simple}, {@code form}, {@code label}, {@code matrix},
     *                      {@code spaceDelimited}, {@code pipeDelimited}, {@code deepObject})
     * @param explode       whether arrays/objects explode
     * @param allowReserved whether reserved characters pass unencoded (query only)
     * @param json          whether the value is sent as JSON text ({@code content} instead of {@code schema})
     */
    record Param(String arg, String name, In in, String style, boolean explode, boolean allowReserved, boolean json) { }

    /** How the request body is encoded. */
    enum BodyKind { JSON, FORM, MULTIPART, BINARY, TEXT }

    /**
     * @param arg         argument name ({@code body} unless a parameter took it)
     * @param mediaType   Content-Type sent
     * @param kind        encoding
     * @param required    whether the body is required
     * @param binaryParts multipart fields sent as files (their argument values are base64)
     */
    record Body(String arg, String mediaType, BodyKind kind, boolean required, Set<String> binaryParts) {
        Body {
            binaryParts = Set.copyOf(binaryParts);
        }
    }

    /** What the success response maps to. */
    enum Output {
        /** No JSON success response in the document: no outputSchema. */
        NONE,
        /** outputSchema is the response schema itself (an object). */
        OBJECT,
        /** outputSchema wraps the response as {@code {"result": ...}}. */
        WRAPPED
    }

    Optional<Param> param(String arg) {
        return params.stream().filter(p -> p.arg().equals(arg)).findFirst();
    }
}
