package io.tandem.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Records every log event's message and throwable messages (with causes), and its thread, while open. */
public final class LogCapture implements AutoCloseable {
  /** One recorded event: the logger and message line, and the thread that logged it. */
  public record Event(String line, String thread) {}

  private final List<String> lines = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private final Logger logger;
  private final AppenderBase<ILoggingEvent> appender;

  private final ch.qos.logback.classic.Level levelBefore;

  /** Captures what reaches the logger logger (WARN and above in tests). */
  public LogCapture() {
    this(org.slf4j.Logger.ROOT_LOGGER_NAME, null);
  }

  /** Captures one logger (and its children) from {@code level} on, for as long as the capture is open; null keeps its level. */
  public LogCapture(String loggerName, ch.qos.logback.classic.Level level) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = ctx.getLogger(loggerName);
    levelBefore = logger.getLevel();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) b.append(" | ").append(t.getMessage());
        synchronized (lines) {
          lines.add(b.toString());
          events.add(new Event(b.toString(), e.getThreadName()));
        }
      }
    };
    appender.setContext(ctx);
    appender.start();
    logger.addAppender(appender);
    if (level != null) logger.setLevel(level);
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The recorded events, with their threads. */
  public List<Event> events() {
    synchronized (lines) {
      return List.copyOf(events);
    }
  }

  /** The first event whose line contains {@code fragment}, waiting for it up to {@code waitMs}; fails when none comes. */
  public Event await(String fragment, long waitMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    while (true) {
      for (Event e : events()) {
        if (e.line().contains(fragment)) return e;
      }
      if (System.currentTimeMillis() > deadline) throw new AssertionError("no log line with '" + fragment + "' within " + waitMs + " ms");
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    logger.setLevel(levelBefore);
    logger.detachAppender(appender);
    appender.stop();
  }
}
