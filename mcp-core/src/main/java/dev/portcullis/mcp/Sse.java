package dev.portcullis.mcp;

import java.nio.charset.StandardCharsets;

/**
 * Encodes Server-Sent Events ({@code text/event-stream}). Output uses {@code \n} line ends; data with
 * embedded line breaks ({@code \n}, {@code \r\n} or {@code \r}) becomes several {@code data:} lines, so
 * a parser yields the data back with {@code \n} separators.
 */
public final class Sse {

    /** The media type of an SSE stream. */
    public static final String MEDIA_TYPE = "text/event-stream";

    private Sse() {
    }

    /**
     * @param event the event
     * @return its wire form, ending with the blank line that dispatches it
     */
    public static String encode(SseEvent event) {
        StringBuilder sb = new StringBuilder(event.data().length() + 32);
        event.id().ifPresent(id -> sb.append("id: ").append(id).append('\n'));
        if (!"message".equals(event.event())) {
            sb.append("event: ").append(event.event()).append('\n');
        }
        event.retry().ifPresent(r -> sb.append("retry: ").append(r.toMillis()).append('\n'));
        appendData(sb, event.data());
        return sb.append('\n').toString();
    }

    /**
     * @param event the event
     * @return its wire form in UTF-8
     */
    public static byte[] encodeBytes(SseEvent event) {
        return encode(event).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A comment line, e.g. a keep-alive. Line breaks in the text start new comment lines.
     *
     * @param text comment text (may be empty)
     * @return the comment, ending with a line end (comments do not dispatch events)
     */
    public static String comment(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 4);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            sb.append(':');
            if (!line.isEmpty()) {
                sb.append(' ').append(line);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void appendData(StringBuilder sb, String data) {
        int start = 0;
        int n = data.length();
        for (int i = 0; i < n; i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                sb.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        sb.append("data: ").append(data, start, n).append('\n');
    }
}
