package io.tandem.bench.load;

import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Pacer;
import io.tandem.bench.run.Schedule;
import io.tandem.bench.run.Ws;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives relayed traffic between matched pairs on an open-loop schedule: message {@code i} goes
 * from one side of pair {@code i mod P} to the other (directions and kinds rotate), and its latency
 * is measured from its intended send time to its arrival at the peer. Every message carries its
 * phase and sequence number, so losses, duplicates and misdeliveries are counted exactly.
 */
public final class RelayEngine implements Ws.Listener {
  /** Message kinds: what the sender writes and what the peer receives. */
  public static final List<String> KINDS = List.of("offer", "candidate", "chat");

  /** A matched pair and the placement group it belongs to ("same-gateway", "cross-gateway"). */
  public record Pair(Ws a, Ws b, String sessionId, String group) {}

  private final List<Pair> pairs;
  private final List<String> kinds;
  /** The JSON-escaped SDP around its tag, so frames are built by concatenation on the sender thread. */
  private final String sdpHeadJson;
  private final String sdpTailJson;
  /** Frames due together, grouped by event loop, written with one task per loop ({@link #flush()}). */
  private final java.util.Map<io.vertx.core.Context, java.util.List<Object[]>> batch = new java.util.HashMap<>();
  private volatile Run current;

  public RelayEngine(List<Pair> pairs, List<String> kinds) {
    for (String k : kinds) if (!KINDS.contains(k)) throw new IllegalArgumentException("unknown kind " + k + "; known " + KINDS);
    this.pairs = pairs;
    this.kinds = kinds;
    String sdp = Frames.sdp("TAG");
    String escaped = new JsonObject().put("s", sdp).encode();
    escaped = escaped.substring(6, escaped.length() - 2); // {"s":"...."}
    this.sdpHeadJson = escaped.substring(0, escaped.indexOf("TAG"));
    this.sdpTailJson = escaped.substring(escaped.indexOf("TAG") + 3);
    for (Pair p : pairs) {
      p.a().listener(this);
      p.b().listener(this);
    }
  }

  /** What one phase measured. */
  public static final class Run {
    final int phase;
    final Schedule schedule;
    final AtomicIntegerArray received;
    final Map<String, Latency> byGroupKind = new LinkedHashMap<>();
    final Map<String, Latency> byGroup = new LinkedHashMap<>();
    final LongAdder duplicates = new LongAdder();
    final LongAdder misdelivered = new LongAdder();
    final LongAdder stale = new LongAdder();
    final Map<String, LongAdder> errors = new java.util.concurrent.ConcurrentHashMap<>();
    long sent;
    long maxLagNanos;
    List<String> pacerStalls = List.of();

    Run(int phase, Schedule schedule, List<Pair> pairs, List<String> kinds) {
      this.phase = phase;
      this.schedule = schedule;
      this.received = new AtomicIntegerArray((int) schedule.count());
      for (Pair p : pairs) {
        byGroup.putIfAbsent(p.group(), new Latency());
        for (String k : kinds) byGroupKind.putIfAbsent(p.group() + " " + k, new Latency());
      }
    }

    public long receivedCount() {
      long n = 0;
      for (int i = 0; i < received.length(); i++) if (received.get(i) > 0) n++;
      return n;
    }

    public long lost() {
      return sent - receivedCount();
    }

    public long errorCount() {
      return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Latency> byGroup() {
      return byGroup;
    }

    public Map<String, Latency> byGroupKind() {
      return byGroupKind;
    }

    public long duplicates() {
      return duplicates.sum();
    }

    public long misdelivered() {
      return misdelivered.sum();
    }

    public long sent() {
      return sent;
    }

    public long maxLagNanos() {
      return maxLagNanos;
    }

    public JsonObject toJson() {
      JsonObject groups = new JsonObject();
      byGroup.forEach((k, v) -> groups.put(k, v.summary().toJson()));
      JsonObject kinds = new JsonObject();
      byGroupKind.forEach((k, v) -> kinds.put(k, v.summary().toJson()));
      JsonObject errs = new JsonObject();
      errors.forEach((k, v) -> errs.put(k, v.sum()));
      return new JsonObject().put("ratePerSecond", schedule.ratePerSecond()).put("seconds", schedule.seconds())
          .put("sent", sent).put("received", receivedCount()).put("lost", lost()).put("duplicates", duplicates.sum())
          .put("misdelivered", misdelivered.sum()).put("errorFrames", errs).put("maxSenderLagMs", maxLagNanos / 1e6)
          .put("senderStallStacks", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(pacerStalls)))
          .put("byGroup", groups).put("byGroupAndKind", kinds);
    }
  }

  /** Runs one phase (blocking): {@code rate} messages per second for {@code seconds}, then waits for stragglers. */
  public Run run(int phase, double rate, double seconds, long drainMillis) throws InterruptedException {
    Schedule s = Schedule.of(System.nanoTime() + 200_000_000L, rate, seconds);
    Run r = new Run(phase, s, pairs, kinds);
    current = r;
    Pacer pacer = new Pacer(s, s.endNanos() + 30_000_000_000L, (i, t) -> send(r, i), this::flush);
    r.sent = pacer.run();
    r.maxLagNanos = pacer.maxLagNanos();
    r.pacerStalls = pacer.stalls();
    long deadline = System.nanoTime() + drainMillis * 1_000_000L;
    while (System.nanoTime() < deadline && r.receivedCount() < r.sent) Thread.sleep(20);
    return r;
  }

  private int pairOf(long i) {
    return (int) (i % pairs.size());
  }

  private boolean forward(long i) {
    return (i / pairs.size()) % 2 == 0;
  }

  private String kindOf(long i) {
    return kinds.get((int) ((i / (2L * pairs.size())) % kinds.size()));
  }

  private void send(Run r, long i) {
    Pair p = pairs.get(pairOf(i));
    Ws from = forward(i) ? p.a() : p.b();
    String tag = r.phase + "-" + i;
    String sid = p.sessionId();
    String frame = switch (kindOf(i)) {
      case "offer" -> "{\"type\":\"send-offer\",\"data\":{\"sessionId\":\"" + sid + "\",\"offer\":{\"type\":\"offer\",\"sdp\":\""
          + sdpHeadJson + tag + sdpTailJson + "\"}}}";
      case "candidate" -> "{\"type\":\"send-candidate\",\"data\":{\"sessionId\":\"" + sid + "\",\"candidate\":{\"candidate\":\"candidate:"
          + tag + " 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}}";
      default -> "{\"type\":\"send-message\",\"data\":{\"sessionId\":\"" + sid + "\",\"message\":\"" + tag + "\"}}";
    };
    batch.computeIfAbsent(from.context(), k -> new java.util.ArrayList<>()).add(new Object[] {from, frame});
  }

  /** Hands the frames that came due together to their event loops, one task per loop. */
  private void flush() {
    for (java.util.Map.Entry<io.vertx.core.Context, java.util.List<Object[]>> e : batch.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      List<Object[]> frames = new java.util.ArrayList<>(e.getValue());
      e.getValue().clear();
      e.getKey().runOnContext(v -> {
        for (Object[] f : frames) ((Ws) f[0]).writeOnContext((String) f[1]);
      });
    }
  }

  @Override
  public void onFrame(Ws ws, String type, JsonObject data, long nanos) {
    Run r = current;
    if (r == null) return;
    String tag;
    String kind;
    switch (type) {
      case "offer" -> {
        String sdp = data.getJsonObject("offer", new JsonObject()).getString("sdp", "");
        int at = sdp.indexOf("o=- ");
        tag = at < 0 ? null : sdp.substring(at + 4, sdp.indexOf(' ', at + 4));
        kind = "offer";
      }
      case "candidate" -> {
        String c = data.getJsonObject("candidate", new JsonObject()).getString("candidate", "");
        tag = c.startsWith("candidate:") ? c.substring(10, c.indexOf(' ')) : null;
        kind = "candidate";
      }
      case "message" -> {
        if (ws.userId().equals(data.getString("from"))) return; // the sender's own copy
        tag = data.getString("message");
        kind = "chat";
      }
      case "error" -> {
        r.errors.computeIfAbsent(data.getString("code", "?"), k -> new LongAdder()).increment();
        return;
      }
      default -> {
        return;
      }
    }
    if (tag == null) return;
    int dash = tag.indexOf('-');
    if (dash < 0) return;
    int phase;
    long seq;
    try {
      phase = Integer.parseInt(tag.substring(0, dash));
      seq = Long.parseLong(tag.substring(dash + 1));
    } catch (NumberFormatException e) {
      return;
    }
    if (phase != r.phase || seq < 0 || seq >= r.received.length()) {
      r.stale.increment();
      return;
    }
    Pair p = pairs.get(pairOf(seq));
    Ws expected = forward(seq) ? p.b() : p.a();
    if (expected != ws || !kind.equals(kindOf(seq))) {
      r.misdelivered.increment();
      return;
    }
    if (r.received.getAndIncrement((int) seq) > 0) {
      r.duplicates.increment();
      return;
    }
    long latency = nanos - r.schedule.intendedNanos(seq);
    r.byGroup.get(p.group()).recordNanos(latency);
    r.byGroupKind.get(p.group() + " " + kind).recordNanos(latency);
  }
}
