package io.tandem.common;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * The end of a process's logging. Log lines are written by logback's own thread (an AsyncAppender in
 * {@code logback.xml}), so a process that is about to exit first waits for what is still queued.
 */
public final class Logs {
  private Logs() {}

  /** Writes every queued line and stops logging; call last, just before the process exits. */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) ctx.stop();
  }

  /** Flushes the log, then exits with {@code status}. */
  public static void exit(int status) {
    flush();
    System.exit(status);
  }
}
