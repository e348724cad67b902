package dev.portcullis.server.observe;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import dev.portcullis.server.http.RequestFilter;
import io.helidon.logging.common.HelidonMdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @AfterEach
    void clearMdc() {
        HelidonMdc.remove(RequestFilter.MDC_REQUEST_ID);
    }

    @Test
    void writesOneJsonObjectPerLineWithTheRequestId() throws Exception {
        HelidonMdc.set(RequestFilter.MDC_REQUEST_ID, "abc123");
        LogRecord record = new LogRecord(Level.INFO, "upstream \"billing\" is\nup");
        record.setLoggerName("dev.portcullis.Test");

        String line = formatter.format(record);

        assertThat(line).endsWith("}\n").doesNotContain("\nup");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("msg").asText()).isEqualTo("upstream \"billing\" is\nup");
        assertThat(json.path("requestId").asText()).isEqualTo("abc123");
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
        assertThat(json.has("requestId")).isFalse();
    }
}
