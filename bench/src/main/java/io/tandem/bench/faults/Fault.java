package io.tandem.bench.faults;

/** One injected fault of the reliability suite: sets up users, injects the fault, measures, audits. */
public interface Fault {
  /** Short name on the command line ({@code --faults}). */
  String id();

  /** One line: what is done. */
  String title();

  /** Runs the fault against the shared topology; the users it made have all left when it returns. */
  FaultReport run(FaultEnv env) throws Exception;
}
