package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What a scenario run produced: the target table, details for the JSON file and the chart's series. */
public final class Outcome {
  public final String scenario;
  public final List<Check> checks = new ArrayList<>();
  public final JsonObject details = new JsonObject();
  public final List<Svg.Series> series = new ArrayList<>();
  public final List<Svg.TargetLine> targets = new ArrayList<>();
  public final List<String> notes = new ArrayList<>();
  /** The series shown in the combined chart of {@code all} (one or a few per scenario). */
  public final List<String> headline = new ArrayList<>();
  public String topology = "";

  public Outcome(String scenario) {
    this.scenario = scenario;
  }

  public Outcome check(Check c) {
    checks.add(c);
    return this;
  }

  public Outcome series(String name, Latency latency) {
    series.add(new Svg.Series(name, latency.summary()));
    return this;
  }

  /** A series that is also a headline of the scenario. */
  public Outcome headline(String name, Latency latency) {
    series(name, latency);
    headline.add(name);
    return this;
  }

  public Outcome note(String n) {
    notes.add(n);
    return this;
  }

  public boolean missed() {
    return checks.stream().anyMatch(Check::missed);
  }
}
