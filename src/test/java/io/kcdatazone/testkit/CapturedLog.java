package io.kcdatazone.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Every log line this JVM writes while it is open, stack traces included, formatted as the test log file formats them
 * and kept in memory; for tests that assert on what was logged rather than on what a reader of tests.log would see.
 *
 * <p>It can raise the levels of chosen loggers while it is open (the test configuration silences some, such as the
 * clients' configuration dumps) and puts them back when closed.
 */
public final class CapturedLog implements AutoCloseable {

    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%t] %X{connector.context}%logger: %msg%n%throwable";

    private final LoggerContext context;
    private final Collector collector;
    private final Map<String, Level> previousLevels = new HashMap<>();
    private final List<String> addedLoggers = new ArrayList<>();

    private CapturedLog(LoggerContext context, Map<String, Level> levels) {
        this.context = context;
        Configuration configuration = context.getConfiguration();
        levels.forEach((name, level) -> {
            LoggerConfig existing = configuration.getLoggers().get(name);
            if (existing == null) {
                configuration.addLogger(name, new LoggerConfig(name, level, true));
                addedLoggers.add(name);
            } else {
                previousLevels.put(name, existing.getLevel());
                existing.setLevel(level);
            }
        });
        collector = new Collector(PatternLayout.newBuilder().withPattern(PATTERN).withConfiguration(configuration)
                .build());
        collector.start();
        configuration.addAppender(collector);
        configuration.getRootLogger().addAppender(collector, null, null);
        context.updateLoggers();
    }

    /** Starts capturing, with the given loggers at the given levels until {@link #close()}. */
    public static CapturedLog start(Map<String, Level> levels) {
        return new CapturedLog((LoggerContext) LogManager.getContext(false), levels);
    }

    /** The lines captured so far; a line with a stack trace holds the whole trace. */
    public List<String> lines() {
        return List.copyOf(collector.lines);
    }

    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        configuration.getRootLogger().removeAppender(collector.getName());
        addedLoggers.forEach(configuration::removeLogger);
        previousLevels.forEach((name, level) -> configuration.getLoggers().get(name).setLevel(level));
        context.updateLoggers();
        collector.stop();
    }

    private static final class Collector extends AbstractAppender {
        private final Queue<String> lines = new ConcurrentLinkedQueue<>();

        Collector(Layout<String> layout) {
            super("captured-log", null, layout, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(((Layout<?>) getLayout()).toSerializable(event).toString());
        }
    }
}
