package io.tandem.common;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;

/**
 * Logback's own configuration messages: warnings and errors only, on stderr. Without a listener
 * logback prints its whole start-up chatter on stdout as soon as one warning occurs, which would
 * break a {@code LOG_FORMAT=json} stream; a problem (an unknown {@code LOG_FORMAT}, a broken file)
 * must still be seen. The one expected warning (the appender of the other format is not referenced)
 * is dropped.
 */
public final class LogStatusListener extends ContextAwareBase implements StatusListener, LifeCycle {
  /** The warning about the appender of the format not chosen. */
  static final String EXPECTED_WARNING = "not referenced. Skipping further processing";
  private volatile boolean started;

  @Override
  public void addStatusEvent(Status status) {
    if (!started || status.getEffectiveLevel() < Status.WARN) return;
    if (status.getEffectiveLevel() == Status.WARN && String.valueOf(status.getMessage()).contains(EXPECTED_WARNING)) return;
    System.err.println("logback: " + status);
  }

  @Override
  public void start() {
    started = true;
  }

  @Override
  public void stop() {
    started = false;
  }

  @Override
  public boolean isStarted() {
    return started;
  }
}
