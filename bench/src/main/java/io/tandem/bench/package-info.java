/**
 * The bench's entry point ({@link io.tandem.bench.BenchMain}): it lists the scenarios and runs them.
 * Below it: {@code run} (what every scenario stands on: options, topology of service processes,
 * the protocol client, measuring and reporting), {@code crowd} (simulated people and the invariants
 * checked against Redis), {@code load} (load generators and floors: performance) and {@code faults}
 * (the reliability suite: fault injection). {@code load} and {@code faults} never import each other.
 */
package io.tandem.bench;
