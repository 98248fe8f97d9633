package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped logback.xml, in a child JVM running the launcher as a user would (no logback-test.xml
 * on its class path): {@code LOG_FORMAT=json} gives one JSON object per line with level, logger and
 * message; the default stays plain text; the privacy rules hold in both.
 */
@org.junit.jupiter.api.Timeout(180)
class LogFormatIT {
  /** Longest wait for the child to be up, ms. */
  static final long START_WAIT_MS = 30_000;
  static Vertx client;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
  }

  /** The test class path without test classes (whose logback-test.xml would win). */
  static String mainClassPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator)).filter(p -> !p.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Runs the launcher with this LOG_FORMAT (null = unset), makes a call, stops it; returns its stdout lines and the token used. */
  static List<String> runLauncher(String format, String[] tokenOut) throws Exception {
    int port = LocalRedis.freePort();
    ProcessBuilder pb = new ProcessBuilder(Path.java(), "-cp", mainClassPath(), "io.tandem.launcher.Launcher").redirectErrorStream(true);
    pb.environment().put("GATEWAY_PORT", Integer.toString(port));
    pb.environment().put("MONITOR_PORT", "0");
    pb.environment().remove("LOG_FORMAT");
    pb.environment().remove("REDIS_URL");
    if (format != null) pb.environment().put("LOG_FORMAT", format);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      long end = System.currentTimeMillis() + START_WAIT_MS;
      synchronized (lines) {
        while (lines.stream().noneMatch(l -> l.contains("Tandem is running")) && System.currentTimeMillis() < end && p.isAlive()) {
          lines.wait(200);
        }
      }
      assertTrue(p.isAlive(), "the launcher runs: " + lines);
      JsonObject pair = Http.token(port, "Logan");
      tokenOut[0] = pair.getString("accessToken");
      try (WsClient a = WsClient.connect(client, port, tokenOut[0])) {
        a.send("join-queue", new JsonObject());
        a.await("queued");
        a.sendRaw("{not json");
        a.await("error");
      }
      Thread.sleep(300);
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      reader.join(5000);
    }
    synchronized (lines) {
      java.nio.file.Files.write(java.nio.file.Path.of("target", "log-format-" + format + ".txt"), lines);
      return List.copyOf(lines);
    }
  }

  @Test
  void jsonLinesCarryLevelLoggerAndMessage() throws Exception {
    String[] token = {null};
    List<String> lines = runLauncher("json", token);
    assertTrue(lines.size() >= 3, "the launcher logged: " + lines);
    int withRunning = 0;
    for (String line : lines) {
      JsonObject o;
      try {
        o = new JsonObject(line);
      } catch (DecodeException e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
      assertTrue(o.getString("level") != null && o.getString("loggerName") != null && o.getString("formattedMessage") != null
          && o.getLong("timestamp") != null, "level, logger, message and time: " + line);
      assertFalse(o.containsKey("arguments"), "no separate argument list: " + line);
      assertFalse(o.getString("formattedMessage").contains("{}"), "the message is formatted: " + line);
      assertFalse(line.contains(token[0]), "no token in the logs: " + line);
      if (o.getString("formattedMessage").contains("Tandem is running")) withRunning++;
    }
    assertEquals(1, withRunning, "the start line is there once");
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"level\":\"INFO\"")), lines.toString());
  }

  @Test
  void plainTextByDefault() throws Exception {
    String[] token = {null};
    List<String> lines = runLauncher(null, token);
    assertTrue(lines.stream().anyMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO .*Tandem is running.*")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("{")), "no JSON by default: " + lines);
    for (String line : lines) assertFalse(line.contains(token[0]), "no token in the logs: " + line);
  }

  @Test
  void anUnknownFormatIsReportedOnStderr() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.java(), "-cp", mainClassPath(), "io.tandem.launcher.Launcher")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("GATEWAY_PORT", Integer.toString(LocalRedis.freePort()));
    pb.environment().put("MONITOR_PORT", "0");
    pb.environment().put("LOG_FORMAT", "xml");
    Process p = pb.start();
    List<String> err = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (err) {
            err.add(line);
            err.notifyAll();
          }
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      long end = System.currentTimeMillis() + START_WAIT_MS;
      synchronized (err) {
        while (err.stream().noneMatch(l -> l.contains("[xml]")) && System.currentTimeMillis() < end && p.isAlive()) err.wait(200);
        assertTrue(err.stream().anyMatch(l -> l.startsWith("logback: ") && l.contains("[xml]")), "the error names the format: " + err);
      }
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      reader.join(5000);
    }
  }

  /** The java binary of this JVM. */
  static final class Path {
    static String java() {
      return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }
}
