/**
 * What every scenario stands on: command-line options, the topology of service processes it starts
 * and stops (and their children), the protocol client (tokens, WebSockets, frames), pacing and
 * schedules, latency histograms, CPU and memory readings from /proc, JFR profiles, Redis command
 * statistics, and the result's checks, JSON and SVG.
 */
package io.tandem.bench.run;
