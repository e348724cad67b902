package dev.portcullis.server.http;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request ids: 24 hex digits, the first 8 the same within a process, the rest drawn per request.
 */
class RequestIdTest {
    @Test
    void idsShareTheProcessPrefixAndDifferPerRequest() {
        Set<String> ids = new HashSet<>();
        String prefix = RequestFilter.newRequestId().substring(0, 8);
        for (int i = 0; i < 10_000; i++) {
            String id = RequestFilter.newRequestId();
            assertThat(id).matches("[0-9a-f]{24}").startsWith(prefix);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void idsDrawnOnManyThreadsDoNotRepeat() throws Exception {
        Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 1_000; i++) {
                executor.submit(() -> {
                    for (int j = 0; j < 20; j++) {
                        ids.add(RequestFilter.newRequestId());
                    }
                });
            }
        }
        assertThat(ids).hasSize(20_000);
    }
}
