package io.tandem.gateway.steps;

import io.tandem.gateway.call.CallState;
import io.tandem.gateway.token.Identity;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** What frame handlers and deliveries need from one socket (implemented by the socket package's {@code Connection}). */
public interface ClientLink {
  /** Who is on the socket (from the verified token only). */
  Identity identity();

  String connId();

  /** The socket's call state. */
  CallState call();

  /** Writes a frame (dropped once the socket closed). */
  void send(String frame);

  /** A refreshed token for the same user: new expiry. */
  void renew(Identity id);

  /** Runs a step in order with the socket's other steps (join, leave, end-call, ...). */
  void inOrder(Supplier<Future<Void>> step);

  /** Runs {@code task} on the socket's loop after {@code delayMs} (nothing once the socket closed). */
  void later(long delayMs, Runnable task);
}
