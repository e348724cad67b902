package dev.portcullis.server.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Human-readable log lines for terminals: time, level, request id, logger (short) and message.
 */
public final class TextLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).append(' ')
                .append(String.format("%-7s", record.getLevel().getName()));
        LogContext.requestId().ifPresent(id -> sb.append(" [").append(id).append(']'));
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        sb.append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            sb.append(stack);
        }
        return sb.toString();
    }
}
