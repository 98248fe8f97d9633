package io.tandem.bench.run;

/** One benchmark: declares its options, runs against the services it starts, reports an {@link Outcome}. */
public interface Scenario {
  /** The command-line name. */
  String name();

  /** One line for the help text. */
  String summary();

  /** Declares the scenario's options and their defaults. */
  void declare(Options o);

  /** The modest settings {@code all} uses on a small machine (only where not given explicitly). */
  default void allDefaults(Options o) {}

  /** Runs the scenario; the bench's services are stopped by the caller afterwards. */
  Outcome run(Bench bench, Options o) throws Exception;
}
