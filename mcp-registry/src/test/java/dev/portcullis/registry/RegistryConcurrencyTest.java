package dev.portcullis.registry;

import static dev.portcullis.registry.Fixtures.admin;
import static dev.portcullis.registry.Fixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void parallelRegistrationsAndReviewsLoseNothing() throws Exception {
        Registry r = Fixtures.open(dir);
        r.register(admin("shared"), "alice");
        r.review("shared", List.of(tool("base", "B")));
        List<RegistryEvent> events = Collections.synchronizedList(new ArrayList<>());
        r.onChange(events::add);
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    String name = "up-" + n;
                    r.register(admin(name), "t" + n);
                    List<ObjectNode> tools = List.of(tool("a", "A" + n), tool("b", "B" + n));
                    r.review(name, tools);
                    // every thread offers the shared upstream one new tool of its own
                    r.review("shared", List.of(tool("base", "B"), tool("new-" + n, "N")));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(r.list()).hasSize(threads + 1);
        for (int i = 0; i < threads; i++) {
            assertThat(r.pins("up-" + i)).containsOnlyKeys("a", "b");
        }
        // Each review replaces the shared upstream's quarantine with what it saw: only the last survives,
        // but every new tool raised exactly one event.
        assertThat(events).filteredOn(e -> e instanceof RegistryEvent.Quarantined).hasSize(threads);
        assertThat(events).filteredOn(e -> e instanceof RegistryEvent.Registered).hasSize(threads);
        Registry reopened = Fixtures.open(dir);
        assertThat(reopened.list()).isEqualTo(r.list());
        for (int i = 0; i < threads; i++) {
            assertThat(reopened.pins("up-" + i)).isEqualTo(r.pins("up-" + i));
        }
    }

    @Test
    void listenersSeeEventsInCommitOrder() throws Exception {
        Registry r = Fixtures.open(dir);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        r.onChange(e -> seen.add(e.upstream() + ":" + e.getClass().getSimpleName()));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                int n = i;
                pool.submit(() -> {
                    r.register(admin("u" + n), "x");
                    r.setEnabled("u" + n, false, "x");
                    r.remove("u" + n, "x");
                    return null;
                });
            }
        }
        for (int i = 0; i < 8; i++) {
            String u = "u" + i;
            assertThat(seen.stream().filter(s -> s.startsWith(u + ":")).toList())
                    .containsExactly(u + ":Registered", u + ":Disabled", u + ":Removed");
        }
    }
}
