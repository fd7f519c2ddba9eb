package io.github.roleprobe.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM (the Logback root logger) while open, so that a test can check
 * that no secret of the simulated pod ({@link EksPodSimulator#issuedSecrets()}) reached a log line,
 * including exception messages and stack traces.
 *
 * <p>Needs Logback as the SLF4J binding of the test (an optional dependency of the testkit).
 * Thread-safe: events from any thread are captured while the test reads.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start()) {
 *     ... run the scenario ...
 *     assertThat(logs.linesContainingAnyOf(simulator.issuedSecrets())).isEmpty();
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(render(event));
        }
    };

    private LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.setName("role-probe-testkit-log-capture");
        appender.start();
        root.addAppender(appender);
    }

    /**
     * Starts capturing.
     *
     * @return the capture; close it to stop
     * @throws ClassCastException when SLF4J is not bound to Logback
     */
    public static LogCapture start() {
        return new LogCapture();
    }

    /**
     * @return each captured event as one line: level, logger, formatted message, then every throwable of
     *     the cause chain with its message and stack frames; a snapshot
     */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * @param text what to look for
     * @return how many captured lines contain it
     */
    public long count(String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    /**
     * @param needles texts such as secret keys and session tokens
     * @return the captured lines that contain any of them (empty when none leaked)
     */
    public List<String> linesContainingAnyOf(Collection<String> needles) {
        return lines.stream().filter(l -> needles.stream().anyMatch(l::contains)).toList();
    }

    /** Stops capturing. Idempotent. */
    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }

    private static String render(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                + event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                line.append(' ').append(frame.getSTEAsString());
            }
        }
        return line.toString();
    }
}
