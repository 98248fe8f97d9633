package io.tandem.it;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The files the Kubernetes components ship (k8s/components/...: configurations and init scripts that
 * kustomize's configMapGenerator puts into ConfigMaps), and a way to run those scripts here as local
 * processes, the way an init container runs them: {@code sh script} with the settings in the environment.
 */
final class ShippedFiles {
  static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
  /** Longest a shipped script may run here. */
  static final int SCRIPT_TIMEOUT_SECONDS = 60;

  private ShippedFiles() {}

  /** A file of a component, e.g. {@code component("coturn", "turnserver.conf")}; fails when it is not there. */
  static Path component(String component, String file) {
    Path p = K8S.resolve("components").resolve(component).resolve(file);
    if (!Files.isRegularFile(p)) throw new IllegalStateException("the shipped file " + p + " is missing");
    return p;
  }

  /**
   * The {@code data} of a ConfigMap in a shipped manifest or patch (plain {@code KEY: value} lines, as
   * this project writes them), e.g. the settings a component gives the services.
   */
  static Map<String, String> configMapData(Path yaml, String name) throws Exception {
    for (String doc : Files.readString(yaml, StandardCharsets.UTF_8).split("(?m)^---$")) {
      if (!doc.contains("\nkind: ConfigMap") || !doc.matches("(?s).*\n  name: " + java.util.regex.Pattern.quote(name) + "\n.*")) continue;
      Map<String, String> out = new java.util.LinkedHashMap<>();
      boolean data = false;
      for (String line : doc.lines().toList()) {
        if (line.equals("data:")) {
          data = true;
        } else if (data && line.startsWith("  ") && !line.trim().startsWith("#") && line.contains(": ")) {
          String v = line.substring(line.indexOf(": ") + 2).trim();
          out.put(line.substring(0, line.indexOf(": ")).trim(), v.replaceAll("^\"(.*)\"$", "$1"));
        } else if (data && !line.startsWith(" ") && !line.isBlank()) {
          data = false;
        }
      }
      return out;
    }
    throw new IllegalStateException(yaml + " has no ConfigMap " + name);
  }

  /** What a script printed (stdout and stderr) and how it ended. */
  record Run(int exitCode, String output) {}

  /** Runs {@code sh script} with these variables added to the environment, in {@code dir}. */
  static Run run(Path script, Map<String, String> env, Path dir) throws Exception {
    File log = Files.createTempFile(dir, script.getFileName().toString(), ".log").toFile();
    ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log);
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError(script.getFileName() + " did not end within " + SCRIPT_TIMEOUT_SECONDS + " s: " + Files.readString(log.toPath()));
    }
    return new Run(p.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
  }

  /** Starts {@code sh script} as a long-running process (a sidecar), its output in {@code log}. */
  static Process start(Path script, Map<String, String> env, Path dir, Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Appends lines to a generated configuration (overrides that make it run on loopback; the last value wins). */
  static void append(Path conf, String header, List<String> lines) throws Exception {
    List<String> all = new ArrayList<>();
    all.add("# " + header);
    all.addAll(lines);
    Files.write(conf, all, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  /**
   * Drops the lines that set one directive (e.g. Redis's {@code dir /data}, a folder that exists only in
   * the pod and that Redis must enter while it reads its file), so that a value appended after can take
   * its place. Returns how many lines were dropped.
   */
  static int drop(Path conf, String directive) throws Exception {
    List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
    List<String> kept = lines.stream().filter(l -> !l.trim().startsWith(directive + " ")).toList();
    Files.write(conf, kept, StandardCharsets.UTF_8);
    return lines.size() - kept.size();
  }

  /** Ends a process and its children (by PID), gently first. */
  static void stop(Process p) {
    if (p == null) return;
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
