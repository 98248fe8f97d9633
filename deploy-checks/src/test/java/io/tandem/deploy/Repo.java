package io.tandem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository the checks read: k8s/, the services' sources and poms, the Dockerfiles, docs/. */
final class Repo {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>([^<]+)</artifactId>");
  private static final Pattern TANDEM_DEPENDENCY =
      Pattern.compile("<dependency>\\s*<groupId>io\\.tandem</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>",
          Pattern.DOTALL);

  private static Path root;

  private Repo() {}

  /** The repository root: the surefire property {@code tandem.repo.root}, else the parent of the working folder. */
  static synchronized Path root() {
    if (root == null) {
      String configured = System.getProperty("tandem.repo.root");
      Path candidate = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
      for (Path p = candidate.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolve("k8s")) && Files.isRegularFile(p.resolve("pom.xml"))) {
          root = p;
          break;
        }
      }
      if (root == null) throw new IllegalStateException("no repository root (with k8s/ and pom.xml) above " + candidate);
    }
    return root;
  }

  static Path k8s() {
    return root().resolve("k8s");
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path as shown in messages: relative to the repository root. */
  static String rel(Path file) {
    return root().relativize(file.toAbsolutePath().normalize()).toString();
  }

  /** Every file under {@code dir} whose name ends with one of the suffixes, sorted. */
  static List<Path> files(Path dir, String... suffixes) {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> {
            String n = p.getFileName().toString();
            for (String suffix : suffixes) if (n.endsWith(suffix)) return true;
            return false;
          })
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The modules of the root pom, in order. */
  static List<String> modules() {
    List<String> out = new ArrayList<>();
    Matcher m = MODULE.matcher(read(root().resolve("pom.xml")));
    while (m.find()) out.add(m.group(1).trim());
    return out;
  }

  /** The services: modules named {@code *-service} (each its own image and Deployment). */
  static List<String> serviceModules() {
    return modules().stream().filter(m -> m.endsWith("-service")).toList();
  }

  /** A module's own artifactId (the first one after its parent block). */
  static String artifactId(String module) {
    String pom = read(root().resolve(module).resolve("pom.xml"));
    int parentEnd = pom.indexOf("</parent>");
    Matcher m = ARTIFACT_ID.matcher(pom);
    if (!m.find(Math.max(parentEnd, 0))) throw new IllegalStateException(module + "/pom.xml has no artifactId");
    return m.group(1).trim();
  }

  /** A property of the root pom, whitespace collapsed. */
  static String rootProperty(String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
        .matcher(read(root().resolve("pom.xml")));
    if (!m.find()) throw new IllegalStateException("root pom has no property " + name);
    return m.group(1).trim().replaceAll("\\s+", " ");
  }

  /**
   * The module and every project module it depends on at run time (compile or runtime scope),
   * transitively: the code whose configuration reads end up in the service's jar.
   */
  static Set<String> runtimeModules(String module) {
    Map<String, String> byArtifact = new LinkedHashMap<>();
    for (String m : modules()) byArtifact.put(artifactId(m), m);
    Set<String> out = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(module));
    while (!todo.isEmpty()) {
      String m = todo.remove(0);
      if (!out.add(m)) continue;
      Matcher d = TANDEM_DEPENDENCY.matcher(read(root().resolve(m).resolve("pom.xml")));
      while (d.find()) {
        String rest = d.group(2);
        if (rest.contains("<scope>test</scope>") || rest.contains("<scope>provided</scope>")) continue;
        String dep = byArtifact.get(d.group(1).trim());
        if (dep != null) todo.add(dep);
      }
    }
    return out;
  }
}
