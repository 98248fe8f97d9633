/**
 * Load generators and their floors (performance): time to match, sustained joins, relay latency,
 * call cycles, capacity (sockets, connects/s, memory), churn, token cost, and {@code floors}, which
 * measures Tandem beside a bare Vert.x relay and Redis round trips in the same run.
 */
package io.tandem.bench.load;
