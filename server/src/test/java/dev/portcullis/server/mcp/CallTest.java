package dev.portcullis.server.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A relayed call run inline on the handler's thread: event order, cancellation, interrupts, keep-alives. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallTest {
    private static final ObjectNode NO_CAPABILITIES = JsonRpc.mapper().createObjectNode();

    /** Records events; finished on Done, Failed or Cancelled, like the endpoint's handlers. */
    private static class Recorder implements Call.Handler {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger idles = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean streaming;
        volatile boolean alive = true;

        @Override
        public boolean handle(Call.Event event) {
            threads.add(Thread.currentThread());
            String name = switch (event) {
                case Call.Event.Notify n -> "notify:" + n.method();
                case Call.Event.Ask a -> "ask:" + a.inputs().values().iterator().next().method();
                case Call.Event.Done d -> "done:" + d.result().path("v").asText();
                case Call.Event.Failed f -> "failed:" + f.error().code();
                case Call.Event.Cancelled c -> "cancelled";
            };
            seen.add(name);
            return event instanceof Call.Event.Done || event instanceof Call.Event.Failed
                    || event instanceof Call.Event.Cancelled;
        }

        @Override
        public boolean idle() {
            idles.incrementAndGet();
            return alive;
        }

        @Override
        public boolean streaming() {
            return streaming;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static Call call(ObjectNode capabilities) {
        return new Call(capabilities, Optional.empty(), Duration.ofSeconds(5));
    }

    private static ObjectNode result(String v) {
        return JsonRpc.mapper().createObjectNode().put("v", v);
    }

    @Test
    void runsOnTheCallersThreadAndDeliversEventsInOrder() {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        Thread caller = Thread.currentThread();
        AtomicBoolean ranHere = new AtomicBoolean();
        call.runInline(c -> {
            ranHere.set(Thread.currentThread() == caller);
            c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
            c.notify("notifications/message", JsonRpc.mapper().createObjectNode());
            return result("ok");
        }, r, Duration.ofSeconds(15));
        assertThat(ranHere).isTrue();
        assertThat(r.seen).containsExactly("notify:notifications/progress", "notify:notifications/message", "done:ok");
        assertThat(r.closes).hasValue(1);
    }

    @Test
    void serialisesEventsFromOtherThreads() throws Exception {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        call.runInline(c -> {
            Thread[] producers = new Thread[8];
            for (int i = 0; i < producers.length; i++) {
                producers[i] = Thread.ofVirtual().start(() -> {
                    for (int j = 0; j < 100; j++) {
                        c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
                    }
                });
            }
            for (Thread t : producers) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return result("ok");
        }, r, Duration.ofSeconds(15));
        assertThat(r.seen).hasSize(801).endsWith("done:ok");
    }

    @Test
    void mapsFailuresOfTheUpstreamWork() {
        Recorder failed = new Recorder();
        call(NO_CAPABILITIES).runInline(c -> {
            throw new McpError(McpError.INVALID_PARAMS, "bad");
        }, failed, Duration.ofSeconds(15));
        assertThat(failed.seen).containsExactly("failed:" + McpError.INVALID_PARAMS);

        Recorder broken = new Recorder();
        call(NO_CAPABILITIES).runInline(c -> {
            throw new IllegalStateException("bug");
        }, broken, Duration.ofSeconds(15));
        assertThat(broken.seen).containsExactly("failed:" + McpError.INTERNAL_ERROR);
    }

    @Test
    void cancellationInterruptsTheWorkButNotTheHandlerThreadAfterwards() throws Exception {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            call.cancel();
        });
        call.runInline(c -> {
            waiting.countDown();
            try {
                Thread.sleep(20_000); // an upstream wait
                return result("late");
            } catch (InterruptedException e) {
                throw new McpError(McpError.INTERNAL_ERROR, "The request was cancelled.");
            }
        }, r, Duration.ofSeconds(15));
        canceller.join();
        assertThat(r.seen).containsExactly("cancelled");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        // a later cancellation (the client's notification arriving late) does not reach this thread either
        call.cancel();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void keepsAnInterruptThatDidNotComeFromACancellation() {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        try {
            call.runInline(c -> {
                Thread.currentThread().interrupt(); // e.g. the server stopping
                return result("ok");
            }, r, Duration.ofSeconds(15));
            assertThat(r.seen).containsExactly("done:ok");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInputRoundNeedingAnUndeclaredCapabilityAnswersTheClientAtOnceAndLaterEventsAreIgnored() {
        // a stateless upstream's round asks for what this request did not declare: the request fails with -32021
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        ObjectNode round = JsonRpc.mapper().createObjectNode();
        round.putObject("llm").put("method", "sampling/createMessage").putObject("params");
        call.runInline(c -> {
            assertThatThrownBy(() -> c.askAll(round)).isInstanceOf(McpError.class);
            assertThat(r.closes).as("the answer is complete: the stream is released before the work ends").hasValue(1);
            c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
            return result("ignored");
        }, r, Duration.ofSeconds(15));
        assertThat(r.seen).containsExactly("failed:" + McpError.MISSING_REQUIRED_CLIENT_CAPABILITY);
        assertThat(r.closes).hasValue(1);
    }

    @Test
    void aSessionUpstreamsRequestForAnUndeclaredCapabilityIsRefusedToTheUpstreamAndTheCallGoesOn() {
        // as a session-era client without the capability would answer: method not found; the upstream decides
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        call.runInline(c -> {
            assertThatThrownBy(() -> c.ask("elicitation/create", JsonRpc.mapper().createObjectNode(),
                    JsonRpc.mapper().getNodeFactory().textNode("user_name")))
                    .isInstanceOfSatisfying(McpError.class,
                            e -> assertThat(e.code()).isEqualTo(McpError.METHOD_NOT_FOUND));
            return result("without it");
        }, r, Duration.ofSeconds(15));
        assertThat(r.seen).containsExactly("done:without it");

        // if the upstream cannot do without and fails, the client learns which capability was missing
        Call failing = call(NO_CAPABILITIES);
        Recorder f = new Recorder();
        failing.runInline(c -> {
            try {
                c.ask("sampling/createMessage", JsonRpc.mapper().createObjectNode(), null);
            } catch (McpError refused) {
                throw new McpError(McpError.INTERNAL_ERROR, "the tool needs an LLM");
            }
            return result("unreachable");
        }, f, Duration.ofSeconds(15));
        assertThat(f.seen).containsExactly("failed:" + McpError.MISSING_REQUIRED_CLIENT_CAPABILITY);
    }

    /** Queued (stateless client): requests that follow closely make one round, keyed by the upstream's ids. */
    @Test
    void requestsForInputThatFollowCloselyAreGatheredIntoOneRoundUnderTheUpstreamsIds() throws Exception {
        ObjectNode capabilities = JsonRpc.mapper().createObjectNode();
        capabilities.putObject("sampling");
        capabilities.putObject("elicitation");
        capabilities.putObject("roots");
        Call call = call(capabilities);
        var ids = JsonRpc.mapper().getNodeFactory();
        call.start(c -> {
            List<CompletableFuture<JsonNode>> answers = new java.util.ArrayList<>();
            for (JsonNode id : List.of(ids.textNode("user_name"), ids.textNode("user_name"), ids.numberNode(7),
                    ids.textNode("bad key with spaces"))) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.ask("elicitation/create", JsonRpc.mapper().createObjectNode(), id);
                    } catch (McpError e) {
                        throw new IllegalStateException(e);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
                pause(5); // one by one, as a session-era upstream's requests arrive
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            pause(300); // a later request: a round of its own
            return c.ask("roots/list", JsonRpc.mapper().createObjectNode(), ids.textNode("later"));
        });
        Call.Event first = call.next(Duration.ofSeconds(5), Duration.ofMillis(100));
        assertThat(first).isInstanceOf(Call.Event.Ask.class);
        var inputs = ((Call.Event.Ask) first).inputs();
        assertThat(inputs).hasSize(4).containsKey("user_name");
        assertThat(inputs.keySet().stream().filter(k -> k.startsWith("input-"))).as("repeated, numeric, unusable ids")
                .hasSize(3);
        inputs.values().forEach(i -> i.answer().complete(result("ok")));
        Call.Event second = call.next(Duration.ofSeconds(5), Duration.ofMillis(100));
        assertThat(second).isInstanceOfSatisfying(Call.Event.Ask.class,
                a -> assertThat(a.inputs()).containsOnlyKeys("later"));
        ((Call.Event.Ask) second).inputs().values().forEach(i -> i.answer().complete(result("roots")));
        assertThat(call.next(Duration.ofSeconds(5), Duration.ofMillis(100)))
                .isInstanceOfSatisfying(Call.Event.Done.class,
                        d -> assertThat(d.result().path("v").asText()).isEqualTo("roots"));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A stateless upstream's round comes whole: it is neither held for more nor merged with another request. */
    @Test
    void aStatelessUpstreamsRoundIsNotGathered() {
        ObjectNode capabilities = JsonRpc.mapper().createObjectNode();
        capabilities.putObject("sampling");
        Call call = call(capabilities);
        ObjectNode round = JsonRpc.mapper().createObjectNode();
        round.putObject("a").put("method", "sampling/createMessage").putObject("params");
        round.putObject("b").put("method", "sampling/createMessage").putObject("params");
        call.start(c -> {
            var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            pool.submit(() -> c.askAll(round));
            pause(20);
            pool.submit(() -> c.ask("sampling/createMessage", JsonRpc.mapper().createObjectNode(),
                    JsonRpc.mapper().getNodeFactory().textNode("c")));
            pause(1_000);
            return result("done");
        });
        Duration gather = Duration.ofMillis(200);
        assertThat(call.next(Duration.ofSeconds(5), gather)).isInstanceOfSatisfying(Call.Event.Ask.class,
                a -> assertThat(a.inputs()).containsOnlyKeys("a", "b"));
        assertThat(call.next(Duration.ofSeconds(5), gather)).isInstanceOfSatisfying(Call.Event.Ask.class,
                a -> assertThat(a.inputs()).containsOnlyKeys("c"));
        call.cancel();
    }

    /** An event of another kind ends the gathering and comes next; without gathering every request is a round. */
    @Test
    void gatheringStopsAtAnotherEventAndIsOffByDefault() throws Exception {
        ObjectNode capabilities = JsonRpc.mapper().createObjectNode();
        capabilities.putObject("sampling");
        for (boolean gather : List.of(true, false)) {
            Call call = call(capabilities);
            CountDownLatch asked = new CountDownLatch(2);
            call.start(c -> {
                var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                for (String id : List.of("a", "b")) {
                    pool.submit(() -> {
                        asked.countDown();
                        return c.ask("sampling/createMessage", JsonRpc.mapper().createObjectNode(),
                                JsonRpc.mapper().getNodeFactory().textNode(id));
                    });
                    pause(20);
                }
                await(asked);
                pause(20);
                c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
                pause(1_000);
                return result("done");
            });
            Duration window = gather ? Duration.ofMillis(200) : Duration.ZERO;
            Call.Event first = call.next(Duration.ofSeconds(5), window);
            assertThat(first).isInstanceOf(Call.Event.Ask.class);
            if (gather) {
                assertThat(((Call.Event.Ask) first).inputs()).containsOnlyKeys("a", "b");
            } else {
                assertThat(((Call.Event.Ask) first).inputs()).containsOnlyKeys("a");
                assertThat(call.next(Duration.ofSeconds(5), window)).isInstanceOfSatisfying(Call.Event.Ask.class,
                        a -> assertThat(a.inputs()).containsOnlyKeys("b"));
            }
            assertThat(call.next(Duration.ofSeconds(5), window)).isInstanceOf(Call.Event.Notify.class);
            call.cancel();
        }
    }

    @Test
    void inputRequestsAreAnsweredWhileTheWorkWaitsOnTheSameThread() {
        ObjectNode capabilities = JsonRpc.mapper().createObjectNode();
        capabilities.putObject("sampling");
        Call call = call(capabilities);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        Recorder r = new Recorder() {
            @Override
            public boolean handle(Call.Event event) {
                boolean done = super.handle(event);
                if (event instanceof Call.Event.Ask ask) {
                    // the client answers in another request, on another thread
                    Thread.ofVirtual().start(() -> {
                        ask.inputs().values().forEach(i -> i.answer().complete(result("sampled")));
                        answered.complete(null);
                    });
                }
                return done;
            }
        };
        call.runInline(c -> {
            JsonNode answer = c.ask("sampling/createMessage", JsonRpc.mapper().createObjectNode());
            return result(answer.path("v").asText());
        }, r, Duration.ofSeconds(15));
        // the answering thread marks itself after handing over the answer, so it may still be finishing
        assertThat(answered).succeedsWithin(Duration.ofSeconds(5));
        assertThat(r.seen).containsExactly("ask:sampling/createMessage", "done:sampled");
    }

    @Test
    void keepsAnOpenStreamAliveAndCancelsWhenTheClientIsGone() {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        call.runInline(c -> {
            r.streaming = true;
            c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (r.idles.get() < 3 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            r.alive = false; // the next keep-alive fails: the client went away
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return result("interrupted");
            }
            return result("slept");
        }, new Call.Handler() {
            @Override
            public boolean handle(Call.Event event) {
                boolean done = r.handle(event);
                return done;
            }

            @Override
            public boolean idle() {
                boolean alive = r.idle();
                if (!alive) {
                    call.cancel();
                }
                return alive;
            }

            @Override
            public boolean streaming() {
                return r.streaming();
            }

            @Override
            public void close() {
                r.close();
            }
        }, Duration.ofMillis(20));
        assertThat(r.idles.get()).isGreaterThanOrEqualTo(4);
        assertThat(r.seen).containsExactly("notify:notifications/progress", "cancelled");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aQueuedCallStillPumpsEventsToItsHandler() {
        Call call = call(NO_CAPABILITIES);
        Recorder r = new Recorder();
        call.start(c -> {
            c.notify("notifications/progress", JsonRpc.mapper().createObjectNode());
            return result("ok");
        });
        call.pump(r, Duration.ofSeconds(15));
        assertThat(r.seen).containsExactly("notify:notifications/progress", "done:ok");
        assertThat(r.threads).allMatch(t -> t == Thread.currentThread());
        assertThat(r.closes).hasValue(1);
    }
}
