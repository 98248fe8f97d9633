/**
 * Simulated people ({@code ChaosUser}, many of them in a {@code Crowd}) who search, call, chat, leave
 * and reconnect, and the invariants checked against them and against Redis: nobody matched twice,
 * nobody stuck, no session only one side knows, no keys left once everyone left.
 */
package io.tandem.bench.crowd;
