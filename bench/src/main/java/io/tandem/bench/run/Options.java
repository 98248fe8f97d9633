package io.tandem.bench.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options {@code --name value} or {@code --name=value}. Each scenario declares the
 * options it knows with a default and a line of help; an unknown option is an error.
 */
public final class Options {
  /** A declared option. */
  public record Opt(String name, String def, String help) {}

  private final Map<String, Opt> declared = new LinkedHashMap<>();
  private final Map<String, String> given = new LinkedHashMap<>();

  public Options declare(String name, String def, String help) {
    declared.put(name, new Opt(name, def, help));
    return this;
  }

  /** Parses the arguments after the scenario name. */
  public Options parse(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) throw new IllegalArgumentException("expected --option, got '" + a + "'");
      String name;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(2, eq);
        value = a.substring(eq + 1);
      } else {
        name = a.substring(2);
        if (i + 1 >= args.size()) throw new IllegalArgumentException("--" + name + " needs a value");
        value = args.get(++i);
      }
      if (!declared.containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + String.join(", ", declared.keySet().stream().map(k -> "--" + k).toList()));
      }
      given.put(name, value);
    }
    return this;
  }

  /** Sets a value unless one was given on the command line (used by {@code all}). */
  public Options defaultTo(String name, String value) {
    if (!declared.containsKey(name)) throw new IllegalArgumentException("undeclared option " + name);
    given.putIfAbsent(name, value);
    return this;
  }

  public String str(String name) {
    Opt o = declared.get(name);
    if (o == null) throw new IllegalArgumentException("undeclared option " + name);
    return given.getOrDefault(name, o.def());
  }

  public int integer(String name, int min, int max) {
    String v = str(name);
    try {
      int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      if (n < min || n > max) throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + n);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  public double decimal(String name, double min, double max) {
    String v = str(name);
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + v);
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  /** A comma-separated list of integers. */
  public List<Integer> integers(String name, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String p : str(name).split(",")) {
      if (p.isBlank()) continue;
      try {
        int n = Integer.parseInt(p.trim());
        if (n < min || n > max) throw new IllegalArgumentException("--" + name + " values must be between " + min + " and " + max + ", got " + n);
        out.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be a comma-separated list of integers, got '" + str(name) + "'");
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--" + name + " needs at least one value");
    return out;
  }

  public boolean bool(String name) {
    String v = str(name);
    if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
    if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
    throw new IllegalArgumentException("--" + name + " must be true or false, got '" + v + "'");
  }

  /** Every option with its effective value (for the JSON result). */
  public Map<String, String> effective() {
    Map<String, String> out = new LinkedHashMap<>();
    declared.keySet().forEach(k -> out.put(k, str(k)));
    return out;
  }

  /** Help text: one line per option. */
  public String help() {
    StringBuilder b = new StringBuilder();
    for (Opt o : declared.values()) {
      b.append(String.format("    --%-22s %s%s%n", o.name(), o.help(), o.def().isEmpty() ? "" : " (default " + o.def() + ")"));
    }
    return b.toString();
  }
}
