package dev.portcullis.server.observe;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import dev.portcullis.server.config.GatewayConfig;

/**
 * Configures {@code java.util.logging} (the backend of {@link System.Logger} here): one handler on
 * standard error with the configured format and level. Helidon's own chatty loggers are kept at
 * WARNING unless the level is DEBUG or finer.
 */
public final class LoggingSetup {
    private LoggingSetup() {
    }

    /**
     * Applies the logging configuration, replacing any earlier handlers.
     *
     * @param logging the settings
     */
    public static void apply(GatewayConfig.Logging logging) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = switch (logging.level()) {
            case ERROR -> Level.SEVERE;
            case WARNING -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
            case TRACE -> Level.FINEST;
        };
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(switch (logging.format()) {
            case JSON -> new JsonLogFormatter();
            case TEXT -> new TextLogFormatter();
        });
        root.addHandler(handler);
        // debug and trace are for Portcullis itself; the JDK and libraries stay at INFO (or above)
        root.setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
        Logger.getLogger("dev.portcullis").setLevel(level);
        if (level.intValue() >= Level.INFO.intValue()) {
            Logger.getLogger("io.helidon").setLevel(Level.WARNING);
        }
    }
}
