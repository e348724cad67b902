package dev.portcullis.server.observe;

import java.util.logging.LogManager;

/**
 * A log manager that keeps its handlers during JVM shutdown, so that what the gateway logs while it
 * drains and stops is not lost (the JDK's own shutdown hook would otherwise reset logging first).
 * Installed by {@code Main} through the {@code java.util.logging.manager} system property.
 */
public final class PortcullisLogManager extends LogManager {

    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
            // the JDK's shutdown cleaner: keep logging alive until our own shutdown hook finishes
            return;
        }
        super.reset();
    }
}
