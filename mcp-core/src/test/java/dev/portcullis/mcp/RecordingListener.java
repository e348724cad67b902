package dev.portcullis.mcp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Records unsolicited notifications and answers unsolicited requests (roots/list) for tests. */
final class RecordingListener implements UpstreamListener {
    final List<TestExchange.Sent> notifications = new CopyOnWriteArrayList<>();
    final List<TestExchange.Sent> requests = new CopyOnWriteArrayList<>();

    @Override
    public void onNotification(String method, ObjectNode params) {
        notifications.add(new TestExchange.Sent(method, params));
    }

    @Override
    public JsonNode onRequest(String method, ObjectNode params) throws McpError {
        requests.add(new TestExchange.Sent(method, params));
        if ("roots/list".equals(method)) {
            ObjectNode r = JsonRpc.mapper().createObjectNode();
            r.putArray("roots").addObject().put("uri", "file:///tmp/portcullis-test").put("name", "test");
            return r;
        }
        throw new McpError(McpError.METHOD_NOT_FOUND, "not supported: " + method);
    }

    /** Waits until a notification matching the predicate arrives. */
    boolean await(Predicate<TestExchange.Sent> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (notifications.stream().anyMatch(p)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
