package dev.portcullis.server.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code msg}, and when present
 * {@code requestId}, {@code traceId}, {@code error} and {@code stack}. Messages are written as the code
 * logged them; code never logs payloads, tokens or credentials.
 */
public final class JsonLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"ts\":\"").append(Instant.ofEpochMilli(record.getMillis())).append('"');
        field(sb, "level", record.getLevel().getName());
        field(sb, "logger", record.getLoggerName());
        field(sb, "msg", formatMessage(record));
        LogContext.requestId().ifPresent(id -> field(sb, "requestId", id));
        LogContext.traceId().ifPresent(id -> field(sb, "traceId", id));
        field(sb, "thread", Thread.currentThread().getName());
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            field(sb, "error", thrown.getClass().getName() + ": " + thrown.getMessage());
            StringWriter stack = new StringWriter();
            thrown.printStackTrace(new PrintWriter(stack));
            field(sb, "stack", stack.toString());
        }
        return sb.append("}\n").toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        if (value == null) {
            return;
        }
        sb.append(",\"").append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, sb);
        sb.append('"');
    }
}
