package io.tandem.bench.load;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Children;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Idle authenticated sockets on ONE gateway process, ramped by several client processes (each
 * under the 20k file limit, each from its own loopback source address). Reports handshakes/s, the
 * gateway's live heap and RSS per socket (jcmd GC.run + GC.heap_info and /proc VmRSS, no JMX), and
 * relay latency of a few probe pairs on the same gateway before and while it is full.
 */
public final class Capacity implements Scenario {
  static final double TARGET_HEAP_KIB_PER_SOCKET = 10;
  static final double TARGET_HANDSHAKES_PER_SECOND = 3000;
  static final double TARGET_RELAY_P99_MS = 5;

  @Override
  public String name() {
    return "capacity";
  }

  @Override
  public String summary() {
    return "ramp idle authenticated sockets on one gateway (target 19,000 at <= 10 KiB heap/socket, >= 3,000 handshakes/s); relay probe while full";
  }

  @Override
  public void declare(Options o) {
    o.declare("sockets", "19000", "idle sockets to open on the gateway")
        .declare("per-worker", "5000", "most sockets per client process (each process has a 20k file limit)")
        .declare("concurrency", "128", "handshakes in flight per client process")
        .declare("gateway-xmx", "1g", "-Xmx of the gateway process")
        .declare("probe-pairs", "auto", "pairs exchanging messages on the same gateway (auto: enough to stay within per-socket budgets)")
        .declare("warmup-sockets", "2000", "sockets opened and closed first so the gateway's handshake path is JIT-compiled")
        .declare("probe-rate", "500", "probe messages per second (all probe pairs together)")
        .declare("probe-seconds", "10", "length of each probe run (empty, then full)")
        .declare("matchmakers", "1", "matchmaker processes");
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    int sockets = o.integer("sockets", 1, 19_700);
    int perWorker = o.integer("per-worker", 100, 19_000);
    int concurrency = o.integer("concurrency", 1, 5000);
    double probeRate = o.decimal("probe-rate", 1, 50_000);
    int probePairs = o.str("probe-pairs").equals("auto") ? Relay.pairsFor(probeRate, RelayEngine.KINDS, 1) : o.integer("probe-pairs", 1, 5000);
    int warmupSockets = o.integer("warmup-sockets", 0, 19_000);
    double probeSeconds = o.decimal("probe-seconds", 1, 120);
    Topology.Spec spec = Topology.Spec.of(1, o.integer("matchmakers", 1, 8)).withGatewayXmx(o.str("gateway-xmx"));
    Outcome out = new Outcome(name());
    out.topology = spec.describe() + "; gateway -Xmx" + o.str("gateway-xmx");
    Topology topo = bench.start(spec);
    Topology.Child gw = topo.gateways().get(0);
    long fdLimit = Proc.maxOpenFiles(gw.pid());
    System.out.printf(Locale.ROOT, "gateway pid %d: open-files limit %d%n", gw.pid(), fdLimit);
    if (fdLimit > 0 && fdLimit < sockets + 500) {
      out.note("The gateway's open-files limit (" + fdLimit + ") is close to the socket target; sockets beyond it will fail.");
    }

    if (warmupSockets > 0) {
      long t0 = System.nanoTime();
      List<Ws> warm = bench.connectBlocking(bench.fetchTokens(warmupSockets), i -> 0);
      io.vertx.core.Future.join(warm.stream().map(Ws::close).toList()).await(60, TimeUnit.SECONDS);
      bench.awaitDrained(Duration.ofSeconds(30));
      System.out.printf(Locale.ROOT, "warm-up: %,d sockets opened and closed in %.1f s (not measured)%n", warmupSockets, (System.nanoTime() - t0) / 1e9);
    }
    List<RelayEngine.Pair> probe = Relay.makePairs(bench, probePairs, 1);
    RelayEngine engine = new RelayEngine(probe, RelayEngine.KINDS);
    engine.run(0, probeRate, 5, 2000); // warm-up, not measured
    RelayEngine.Run empty = engine.run(1, probeRate, probeSeconds, 3000);
    System.out.println("relay probe, gateway nearly empty: " + empty.byGroup().get("same-gateway").summary().line());

    long heapBefore = Proc.liveHeapKib(gw.pid());
    long rssBefore = Proc.rssKib(gw.pid());
    long fdsBefore = Proc.openFiles(gw.pid());

    int workers = (sockets + perWorker - 1) / perWorker;
    Path jar = Path.of(CapacityWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Worker> ws = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        int count = sockets / workers + (w < sockets % workers ? 1 : 0);
        ws.add(Worker.start(jar, bench.runDir, w, "127.0.0." + (2 + w), gw.port(), topo.authPort(), count, concurrency));
      }
      long tokensStart = System.nanoTime();
      for (Worker w : ws) w.expect("TOKENS", Duration.ofSeconds(300));
      double tokenSeconds = (System.nanoTime() - tokensStart) / 1e9;
      System.out.printf(Locale.ROOT, "%,d tokens fetched by %d client processes in %.1f s; connecting%n", sockets, workers, tokenSeconds);

      bench.resetRedisStats();
      Proc.CpuWindow cpu = topo.cpuWindow();
      for (Worker w : ws) cpu.add("client-worker-" + (w.index + 1), w.process.pid());
      cpu.start();
      bench.startProfiles();
      long go = System.nanoTime();
      for (Worker w : ws) w.send("GO");
      long connected = 0;
      long failed = 0;
      Latency handshake = new Latency();
      JsonArray perWorkerJson = new JsonArray();
      for (Worker w : ws) {
        String[] f = w.expect("CONNECTED", Duration.ofSeconds(600)).split(" ");
        connected += Long.parseLong(f[1]);
        failed += Long.parseLong(f[2]);
        if (f.length > 4) {
          handshake.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(f[4])), 0));
        }
        perWorkerJson.add(new JsonObject().put("source", w.local).put("connected", Long.parseLong(f[1]))
            .put("failed", Long.parseLong(f[2])).put("ms", Long.parseLong(f[3])).put("busyRetries", Floors.busyRetries(f)));
      }
      double rampSeconds = (System.nanoTime() - go) / 1e9;
      bench.stopProfiles("ramp");
      JsonObject cpuJson = cpu.stop();
      double handshakesPerSecond = connected / rampSeconds;
      System.out.printf(Locale.ROOT, "%,d sockets open (%,d failed) in %.1f s: %,.0f handshakes/s%n", connected, failed, rampSeconds, handshakesPerSecond);

      Thread.sleep(2000);
      long heapAfter = Proc.liveHeapKib(gw.pid());
      long rssAfter = Proc.rssKib(gw.pid());
      long fdsAfter = Proc.openFiles(gw.pid());
      long online = bench.online();
      double heapPerSocket = connected > 0 ? (heapAfter - heapBefore) / (double) connected : 0;
      double rssPerSocket = connected > 0 ? (rssAfter - rssBefore) / (double) connected : 0;
      System.out.printf(Locale.ROOT, "gateway live heap %,d KiB -> %,d KiB (%.2f KiB/socket); RSS %,d KiB -> %,d KiB (%.2f KiB/socket); fds %d -> %d%n",
          heapBefore, heapAfter, heapPerSocket, rssBefore, rssAfter, rssPerSocket, fdsBefore, fdsAfter);

      Path histogram = bench.resultsDir().resolve(bench.prefix() + "-heap-histogram-gateway.txt");
      try {
        String h = Proc.jcmd(gw.pid(), "GC.class_histogram");
        List<String> lines = h.lines().limit(45).toList();
        java.nio.file.Files.writeString(histogram, "# gateway heap by class with " + connected + " idle sockets (+ " + probePairs
            + " probe pairs) open; jcmd GC.class_histogram, top 40\n" + String.join("\n", lines) + "\n");
        out.details.put("heapHistogram", histogram.getFileName().toString());
      } catch (Exception e) {
        System.out.println("no class histogram: " + e.getMessage());
      }
      Thread.sleep(1000);
      bench.startProfiles();
      Proc.CpuWindow cpuFull = topo.cpuWindow().start();
      RelayEngine.Run full = engine.run(2, probeRate, probeSeconds, 3000);
      out.details.put("cpuPercentOfOneCoreDuringFullProbe", cpuFull.stop());
      bench.stopProfiles("full-probe");
      System.out.println("relay probe, gateway full: " + full.byGroup().get("same-gateway").summary().line());

      long open = 0;
      for (Worker w : ws) {
        w.send("STATUS");
        open += Long.parseLong(w.expect("STATUS", Duration.ofSeconds(30)).split(" ")[1]);
      }
      long dropped = connected - open;

      Latency.Summary hs = handshake.summary();
      Latency.Summary pe = empty.byGroup().get("same-gateway").summary();
      Latency.Summary pf = full.byGroup().get("same-gateway").summary();
      out.checks.add(Check.atLeast("idle sockets held on one gateway", open, sockets, "sockets"));
      out.checks.add(Check.atLeast("handshakes/s (token check + Redis registration)", Math.round(handshakesPerSecond), TARGET_HANDSHAKES_PER_SECOND, "/s"));
      out.checks.add(Check.atMost("gateway live heap per socket", Math.round(heapPerSocket * 100) / 100.0, TARGET_HEAP_KIB_PER_SOCKET, "KiB"));
      out.checks.add(Check.info("gateway RSS per socket", String.format(Locale.ROOT, "%.2f KiB", rssPerSocket)));
      out.checks.add(Check.info("handshake latency p50 / p99 / max", Latency.fmt(hs.p50()) + " / " + Latency.fmt(hs.p99()) + " / " + Latency.fmt(hs.max())));
      out.checks.add(Check.info("relay p99 of " + probePairs + " probe pairs, gateway empty", Latency.fmt(pe.p99())));
      out.checks.add(Check.atMostMs("relay p99 of " + probePairs + " probe pairs, gateway full", pf.p99(), TARGET_RELAY_P99_MS));
      out.checks.add(Check.zero("failed handshakes", failed));
      out.checks.add(Check.zero("sockets dropped while held", dropped));
      out.checks.add(Check.zero("probe messages lost, duplicated or misdelivered",
          empty.lost() + full.lost() + empty.duplicates() + full.duplicates() + empty.misdelivered() + full.misdelivered()));
      out.series("handshake (connect to open)", handshake);
      out.headline("relay probe, gateway empty", empty.byGroup().get("same-gateway"));
      out.headline("relay probe, gateway full", full.byGroup().get("same-gateway"));
      out.targets.add(new Svg.TargetLine("relay target p99 5 ms", TARGET_RELAY_P99_MS));
      out.details.put("sockets", new JsonObject().put("target", sockets).put("connected", connected).put("failed", failed)
              .put("openAtEnd", open).put("onlineInRedis", online).put("clientProcesses", perWorkerJson))
          .put("ramp", new JsonObject().put("seconds", rampSeconds).put("handshakesPerSecond", handshakesPerSecond)
              .put("handshakeLatency", hs.toJson()).put("tokenFetchSeconds", tokenSeconds))
          .put("gateway", new JsonObject().put("pid", gw.pid()).put("xmx", o.str("gateway-xmx")).put("openFilesLimit", fdLimit)
              .put("openFilesBefore", fdsBefore).put("openFilesAfter", fdsAfter)
              .put("liveHeapKiBBefore", heapBefore).put("liveHeapKiBAfter", heapAfter).put("heapKiBPerSocket", heapPerSocket)
              .put("rssKiBBefore", rssBefore).put("rssKiBAfter", rssAfter).put("rssKiBPerSocket", rssPerSocket))
          .put("probeEmpty", empty.toJson()).put("probeFull", full.toJson())
          .put("cpuPercentOfOneCoreDuringRamp", cpuJson).put("redisCommandStats", bench.redisCommandStats());
      out.note("Heap per socket = (live heap after a full GC with the sockets open - the same before) / sockets, read with jcmd GC.run + GC.heap_info; "
          + "RSS from /proc/<pid>/status. Handshakes/s = sockets / time from GO to the last client process done (tokens fetched beforehand).");
    } finally {
      for (Worker w : ws) w.stop();
      for (RelayEngine.Pair p : probe) {
        p.a().close();
        p.b().close();
      }
    }
    return out;
  }

  /** One client process. */
  static final class Worker {
    final int index;
    final String local;
    final Process process;
    final OutputStream stdin;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Worker(int index, String local, Process process) {
      this.index = index;
      this.local = local;
      this.process = process;
      this.stdin = process.getOutputStream();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) lines.add(l);
        } catch (IOException ignored) {
          // process gone
        }
        lines.add("EOF");
      }, "capacity-worker-" + index);
      t.setDaemon(true);
      t.start();
    }

    static Worker start(Path jar, Path runDir, int index, String local, int gatewayPort, int authPort, int count, int concurrency)
        throws IOException {
      return start(jar, runDir, "client-worker-" + (index + 1), index, local, gatewayPort, authPort, count, concurrency, "");
    }

    /** A client process; {@code bareUri} non-empty connects without tokens to a bare server. */
    static Worker start(Path jar, Path runDir, String logName, int index, String local, int gatewayPort, int authPort, int count,
                        int concurrency, String bareUri) throws IOException {
      return start(jar, runDir, logName, index, local, gatewayPort, authPort, count, concurrency, bareUri, 0);
    }

    /** The same, first opening and closing {@code warmup} sockets (see {@link CapacityWorker}). */
    static Worker start(Path jar, Path runDir, String logName, int index, String local, int gatewayPort, int authPort, int count,
                        int concurrency, String bareUri, int warmup) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Proc.javaTool("java"), "-Xmx512m", "-cp", jar.toString(), CapacityWorker.class.getName(),
          "--gateway-port", Integer.toString(gatewayPort), "--auth-port", Integer.toString(authPort), "--count", Integer.toString(count),
          "--local", local, "--concurrency", Integer.toString(concurrency)));
      if (!bareUri.isEmpty()) cmd.addAll(List.of("--bare-uri", bareUri));
      if (warmup > 0) cmd.addAll(List.of("--warmup", Integer.toString(warmup)));
      Process p = new ProcessBuilder(cmd).redirectError(runDir.resolve(logName + ".log").toFile()).start();
      Children.register(p);
      return new Worker(index, local, p);
    }

    void send(String line) throws IOException {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    String expect(String prefix, Duration max) throws Exception {
      long deadline = System.nanoTime() + max.toNanos();
      while (true) {
        String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (l == null) throw new IllegalStateException("client process " + (index + 1) + " did not report " + prefix + " within " + max.toSeconds() + " s");
        if (l.equals("EOF")) throw new IllegalStateException("client process " + (index + 1) + " exited before " + prefix + "; see its log in the run folder");
        if (l.startsWith(prefix)) return l;
      }
    }

    void stop() {
      try {
        if (process.isAlive()) {
          send("STOP");
          process.waitFor(60, TimeUnit.SECONDS);
        }
      } catch (Exception ignored) {
        // killed below
      }
      Children.stop(process, Duration.ofSeconds(5));
    }
  }
}
