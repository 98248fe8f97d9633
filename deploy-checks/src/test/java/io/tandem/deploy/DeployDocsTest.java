package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/deploy.md stays true to the manifests and the code: the Secret's keys, the metric names. */
class DeployDocsTest {
  static final Path DOC = Path.of("docs", "deploy.md");
  /** A meter registered in code: {@code Counter.builder("tandem_x")}, {@code gauge("tandem_x", ...)}. */
  private static final Pattern METER = Pattern.compile("(?:builder|gauge|counter|timer|summary)\\(\\s*\"(tandem_[a-z0-9_]+)\"");
  private static final Pattern DOC_METRIC = Pattern.compile("`(tandem_[a-z0-9_]+)`");

  static String doc() {
    return Repo.read(Repo.root().resolve(DOC));
  }

  @Test
  void everySecretKeyIsDescribed() {
    String docs = doc();
    Map<String, String> keys = Checks.secretKeys(WorkloadHardeningTest.sources());
    List<String> problems = new ArrayList<>();
    if (!docs.contains(Checks.SECRET)) problems.add("docs/deploy.md does not name the Secret " + Checks.SECRET);
    keys.forEach((key, where) -> {
      if (!docs.contains("`" + key + "`")) problems.add("key `" + key + "` of " + Checks.SECRET + " (" + where + ") is not described in docs/deploy.md");
    });
    assertFalse(keys.isEmpty(), "the manifests use no key of " + Checks.SECRET);
    assertTrue(problems.isEmpty(), "undocumented secret keys:" + Checks.lines(problems));
  }

  /** Meter names registered anywhere in the services' main sources. */
  static Set<String> meters() {
    Set<String> out = new TreeSet<>();
    for (String module : Repo.modules()) {
      for (Path java : Repo.files(Repo.root().resolve(module).resolve("src/main/java"), ".java")) {
        Matcher m = METER.matcher(Repo.read(java));
        while (m.find()) out.add(m.group(1));
      }
    }
    return out;
  }

  /** A Prometheus series name back to its meter name (timers get _seconds, histograms _count/_sum/_max/_bucket). */
  static String meterOf(String series) {
    return series.replaceAll("_(count|sum|max|bucket)$", "").replaceAll("_seconds$", "");
  }

  @Test
  void everyMetricTheDocNamesExists() {
    Set<String> meters = meters();
    assertFalse(meters.isEmpty(), "no tandem_* meter found in the code: the scan is broken");
    List<String> problems = new ArrayList<>();
    Matcher m = DOC_METRIC.matcher(doc());
    while (m.find()) {
      String series = m.group(1);
      if (!meters.contains(meterOf(series)) && !meters.contains(series)) problems.add(series + " (the code registers " + meters + ")");
    }
    assertTrue(problems.isEmpty(), "docs/deploy.md names metrics no code registers:" + Checks.lines(problems));
    // The check can fail: a made-up name is not a meter.
    assertFalse(meters.contains(meterOf("tandem_made_up_seconds_count")));
    assertTrue(Set.of("tandem_a").contains(meterOf("tandem_a_seconds_bucket")));
  }

  /**
   * The suffix kustomize's generators append (a hash of the content, in its alphabet): the listing
   * writes it as {@code -<hash>}, so that a change of a generated ConfigMap does not change the doc.
   */

  /** The "You should see" listing of kubectl apply is what the production overlay builds. */
  @Test
  void theApplyListingMatchesTheProductionBuild() {
    Render.Build production = Render.builds().get("k8s/overlays/production");
    Set<String> built = new TreeSet<>();
    // Generated ConfigMaps are listed as name-<hash>: the suffix changes with every setting.
    production.bundle().objects.forEach(o -> {
      String generated = Bundle.generatedName(o.getMetadata().getName());
      built.add(o.getKind().toLowerCase() + "/" + (generated != null ? generated + "-<hash>" : o.getMetadata().getName()));
    });
    Set<String> listed = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^([a-z]+)(?:\\.[a-z0-9.]+)?/([a-z0-9-]+(?:-<hash>)?) created$").matcher(doc());
    while (m.find()) listed.add(m.group(1) + "/" + m.group(2));
    Set<String> missing = new TreeSet<>(built);
    missing.removeAll(listed);
    Set<String> extra = new TreeSet<>(listed);
    extra.removeAll(built);
    assertTrue(missing.isEmpty() && extra.isEmpty(),
        "docs/deploy.md's apply listing differs from the production build: not listed " + missing + ", not built " + extra);
  }
}
