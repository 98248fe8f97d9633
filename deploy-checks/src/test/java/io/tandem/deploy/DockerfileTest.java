package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.tandem.deploy.Bundle.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each service's image (its Dockerfile; no container engine runs here, so the file is checked, not
 * built): built from the sources in a Maven stage, the shaded jar copied from it onto a Java 17 JRE,
 * user 10001, java as PID 1 with the JVM flags Hazelcast needs (taken from the root pom, not
 * repeated here), the ports its Deployment declares; and a .dockerignore that keeps the build
 * context to what Maven needs.
 */
class DockerfileTest {
  static final String BASE_IMAGE = "eclipse-temurin:17-jre";
  /** The build stage's image: Maven on the same Java. */
  static final String BUILD_IMAGE_PREFIX = "maven:3.9-eclipse-temurin-17";
  private static final Pattern STAGE = Pattern.compile("(?i)^FROM\\s+(\\S+)\\s+AS\\s+(\\S+)$");

  /** Problems of one service's Dockerfile text. */
  static List<String> problems(String module, String dockerfile, Optional<Workload> deployment) {
    List<String> out = new ArrayList<>();
    String where = module + "/Dockerfile";
    String text = dockerfile.replaceAll("\\\\\\r?\\n", " ");
    List<String> lines = text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> froms = lines.stream().filter(l -> l.toUpperCase().startsWith("FROM ")).toList();
    if (froms.isEmpty() || !froms.get(froms.size() - 1).split("\\s+")[1].equals(BASE_IMAGE)) {
      out.add(where + ": the final stage must be FROM " + BASE_IMAGE + ", got " + froms);
    }
    List<String> users = lines.stream().filter(l -> l.toUpperCase().startsWith("USER ")).toList();
    if (users.isEmpty() || !users.get(users.size() - 1).substring(5).trim().matches(Checks.RUN_AS_USER + "(:\\d+)?")) {
      out.add(where + ": must end as USER " + Checks.RUN_AS_USER + ", got " + users);
    }
    String jar = "target/" + Repo.artifactId(module) + "-all.jar";
    // Multi-stage: a Maven stage builds this module (and what it depends on) from the sources.
    String buildStage = null;
    for (String l : froms) {
      Matcher st = STAGE.matcher(l);
      if (st.matches() && st.group(1).startsWith(BUILD_IMAGE_PREFIX)) buildStage = st.group(2);
    }
    if (buildStage == null) {
      out.add(where + ": needs a build stage FROM " + BUILD_IMAGE_PREFIX + " AS <name> (the image is built from the sources)");
    } else {
      String stage = buildStage;
      boolean builds = false;
      boolean inStage = false;
      for (String l : lines) {
        if (l.toUpperCase().startsWith("FROM ")) inStage = STAGE.matcher(l).matches() && l.endsWith(" " + stage);
        if (inStage && l.toUpperCase().startsWith("RUN ") && l.matches(".*\\bmvn\\b.*") && l.contains("-pl " + module) && l.contains("-am") && l.contains("package")) builds = true;
      }
      if (!builds) out.add(where + ": the build stage must RUN mvn -pl " + module + " -am package");
      boolean fromStage = lines.stream().anyMatch(l -> l.toUpperCase().startsWith("COPY ") && l.contains("--from=" + stage) && l.contains(module + "/" + jar));
      if (!fromStage) out.add(where + ": must COPY --from=" + stage + " the shaded jar " + module + "/" + jar);
    }
    if (lines.stream().anyMatch(l -> l.toUpperCase().startsWith("COPY ") && !l.contains("--from=") && l.contains("target/"))) {
      out.add(where + ": copies a jar built outside the image (COPY target/...): build it in the Maven stage");
    }
    List<String> entry = List.of();
    Optional<String> ep = lines.stream().filter(l -> l.toUpperCase().startsWith("ENTRYPOINT ")).reduce((a, b) -> b);
    if (ep.isEmpty()) {
      out.add(where + ": needs an ENTRYPOINT");
    } else {
      try {
        JsonNode n = Manifests.JSON.readTree(ep.get().substring("ENTRYPOINT ".length()).trim());
        List<String> args = new ArrayList<>();
        n.forEach(a -> args.add(a.asText()));
        entry = args;
      } catch (Exception e) {
        out.add(where + ": ENTRYPOINT must be the exec (JSON array) form, so java is PID 1 and gets SIGTERM");
      }
    }
    if (!entry.isEmpty()) {
      if (!entry.get(0).equals("java")) out.add(where + ": ENTRYPOINT must run java, got " + entry.get(0));
      List<String> flags = Arrays.asList(Repo.rootProperty("hazelcast.jvm.flags").split(" "));
      if (Collections.indexOfSubList(entry, flags) < 0) out.add(where + ": ENTRYPOINT lacks the root pom's hazelcast.jvm.flags " + flags);
      if (!entry.contains("-XX:+ExitOnOutOfMemoryError")) out.add(where + ": ENTRYPOINT lacks -XX:+ExitOnOutOfMemoryError");
      int jarAt = entry.indexOf("-jar");
      if (jarAt < 0 || jarAt + 1 >= entry.size()) out.add(where + ": ENTRYPOINT must run the jar with -jar");
    }
    if (!text.contains("-XX:MaxRAMPercentage=75")) out.add(where + ": needs -XX:MaxRAMPercentage=75 (ENV JDK_JAVA_OPTIONS or ENTRYPOINT)");
    Set<Integer> exposed = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\s*EXPOSE\\s+(.+)$").matcher(text);
    while (m.find()) for (String p : m.group(1).trim().split("\\s+")) exposed.add(Integer.parseInt(p.replaceAll("/.*", "")));
    if (deployment.isPresent()) {
      Set<Integer> declared = new TreeSet<>();
      Container c = deployment.get().main();
      for (ContainerPort p : c.getPorts()) declared.add(p.getContainerPort());
      if (!declared.equals(exposed)) out.add(where + ": EXPOSE " + exposed + " differs from the Deployment's container ports " + declared);
    } else {
      out.add(where + ": no Deployment in k8s/base runs this image");
    }
    return out;
  }

  private static Bundle base() {
    return new Bundle("k8s/base", Kustomize.accumulate(Repo.k8s().resolve("base")).values());
  }

  @Test
  void everyServiceImageRunsTheShadedJarSafely() {
    Bundle base = base();
    List<String> problems = new ArrayList<>();
    assertTrue(Repo.serviceModules().size() >= 4, "services: " + Repo.serviceModules());
    for (String module : Repo.serviceModules()) {
      Path file = Repo.root().resolve(module).resolve("Dockerfile");
      if (!Files.isRegularFile(file)) {
        problems.add(module + "/Dockerfile is missing");
        continue;
      }
      problems.addAll(problems(module, Repo.read(file), base.service(module)));
    }
    assertTrue(problems.isEmpty(), "Dockerfiles:" + Checks.lines(problems));
  }

  @Test
  void everyServiceRunsInADeploymentOfItsOwnImage() {
    Bundle base = base();
    List<String> problems = new ArrayList<>();
    for (String module : Repo.serviceModules()) {
      List<Workload> ws = base.services().stream().filter(w -> module.equals(w.service())).toList();
      if (ws.size() != 1) {
        problems.add("k8s/base: " + ws.size() + " workloads run " + module + " (expected one Deployment)");
        continue;
      }
      Workload w = ws.get(0);
      if (!w.owner().getMetadata().getName().equals(module)) problems.add(w.id() + ": runs " + module + " but is not named after it");
      String repo = Bundle.imageRepository(w.main().getImage());
      if (repo == null || !repo.endsWith("/" + module)) problems.add(w.id() + ": image " + w.main().getImage() + " is not the " + module + " image");
    }
    for (Workload w : base.workloads()) {
      if (w.service() != null) continue;
      for (Container c : w.containers()) {
        if (String.valueOf(c.getImage()).startsWith("tandem/")) problems.add(w.id() + ": a Tandem image in a workload that is not a service");
      }
    }
    assertTrue(problems.isEmpty(), "images:" + Checks.lines(problems));
  }

  /** What the build context must hold (Maven needs every module's pom and sources) and must not (build output, git, secrets). */
  static List<String> contextProblems(String dockerignore) {
    List<String> out = new ArrayList<>();
    List<String> kept = new ArrayList<>(List.of("pom.xml"));
    for (String m : Repo.modules()) {
      kept.add(m + "/pom.xml");
      kept.add(m + "/src/main/java/Example.java");
      kept.add(m + "/src/main/resources/example.txt");
    }
    for (String path : kept) if (ignored(dockerignore, path)) out.add(".dockerignore leaves out " + path + ", which the Maven build needs");
    for (String path : List.of(".git/HEAD", "gateway-service/target/gateway-service-all.jar", "common/target/classes/X.class", "jwt-private.pem")) {
      if (!ignored(dockerignore, path)) out.add(".dockerignore must leave out " + path);
    }
    return out;
  }

  /** Docker's rules: patterns relative to the context root, ** any depth, the last matching pattern wins, ! re-includes. */
  static boolean ignored(String dockerignore, String path) {
    boolean out = false;
    for (String raw : dockerignore.lines().map(String::trim).toList()) {
      if (raw.isEmpty() || raw.startsWith("#")) continue;
      boolean negate = raw.startsWith("!");
      String p = (negate ? raw.substring(1) : raw).replaceAll("^/+", "").replaceAll("/+$", "");
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < p.length() && p.charAt(i + 1) == '/') {
            re.append("(.*/)?");
            i++;
          } else {
            re.append(".*");
          }
        } else if (c == '*') {
          re.append("[^/]*");
        } else if (c == '?') {
          re.append("[^/]");
        } else {
          re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      // A pattern matching a folder leaves out everything below it.
      if (path.matches(re + "(/.*)?")) out = !negate;
    }
    return out;
  }

  @Test
  void theBuildContextHoldsTheSourcesOnly() {
    Path file = Repo.root().resolve(".dockerignore");
    assertTrue(Files.isRegularFile(file), ".dockerignore is missing at the repository root (the build context)");
    List<String> problems = contextProblems(Repo.read(file));
    assertTrue(problems.isEmpty(), ".dockerignore:" + Checks.lines(problems));
    // The check can fail: an ignore file that drops the sources, or keeps the build output.
    assertTrue(contextProblems("**/src\n").stream().anyMatch(p -> p.contains("leaves out common/src")), "dropping src/ must be reported");
    assertTrue(contextProblems(".git\n").stream().anyMatch(p -> p.contains("target")), "keeping target/ must be reported");
    assertTrue(ignored("**/target\n!keep/target\n", "a/target/x") && !ignored("**/target\n!keep/target\n", "keep/target/x"));
  }

  /** The check can fail: a Dockerfile running as root, without the Hazelcast flags, in shell form. */
  @Test
  void aWeakDockerfileIsReported() {
    String weak = """
        FROM openjdk:17
        COPY target/chat-service-all.jar /app.jar
        EXPOSE 8080
        ENTRYPOINT java -jar /app.jar
        """;
    List<String> problems = problems("chat-service", weak, base().service("chat-service"));
    for (String expected : List.of("FROM eclipse-temurin:17-jre", "USER 10001", "exec (JSON array) form", "MaxRAMPercentage", "EXPOSE [8080]",
        "needs a build stage", "built outside the image")) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(problems));
    }
    String noFlags = Repo.read(Repo.root().resolve("chat-service/Dockerfile")).replace("\"--add-opens\", \"java.base/sun.nio.ch=ALL-UNNAMED\", ", "");
    assertTrue(problems("chat-service", noFlags, base().service("chat-service")).stream().anyMatch(p -> p.contains("hazelcast.jvm.flags")),
        "a missing --add-opens must be reported");
  }
}
