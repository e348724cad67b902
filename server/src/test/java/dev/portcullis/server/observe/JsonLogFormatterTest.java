package dev.portcullis.server.observe;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void writesOneJsonObjectPerLineWithTheRequestId() throws Exception {
        LogRecord record = new LogRecord(Level.INFO, "upstream \"billing\" is\nup");
        record.setLoggerName("dev.portcullis.Test");

        String[] line = new String[1];
        LogContext.run("abc123", "4bf92f3577b34da6a3ce929d0e0e4736", () -> line[0] = formatter.format(record));

        assertThat(line[0]).endsWith("}\n").doesNotContain("\nup");
        JsonNode json = new ObjectMapper().readTree(line[0]);
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("msg").asText()).isEqualTo("upstream \"billing\" is\nup");
        assertThat(json.path("requestId").asText()).isEqualTo("abc123");
        assertThat(json.path("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.path("logger").asText()).isEqualTo("dev.portcullis.Test");
        assertThat(json.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void includesErrorsAsFields() throws Exception {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setThrown(new IllegalStateException("bad state"));

        JsonNode json = new ObjectMapper().readTree(formatter.format(record));

        assertThat(json.path("error").asText()).isEqualTo("java.lang.IllegalStateException: bad state");
        assertThat(json.path("stack").asText()).contains("JsonLogFormatterTest");
        assertThat(json.has("requestId")).isFalse(); // logged outside any request
        assertThat(json.has("traceId")).isFalse();
    }
}
