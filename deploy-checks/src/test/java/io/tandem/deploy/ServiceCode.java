package io.tandem.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's code reads from its environment, derived from the sources (never a hand-written
 * list): every {@code env.str("X", ...)}, {@code env.integer("X", ...)}, {@code env.bool("X", ...)},
 * {@code env.raw("X")} and {@code System.getenv("X")} in the module's and its project dependencies'
 * {@code src/main/java}, and every {@code ${X}} / {@code ${X:-default}} in their
 * {@code src/main/resources} logback files. A helper method that hands one of its parameters to
 * {@code env.str(...)} counts as a read at each call with a literal name
 * ({@code jsonArray(env, "ICE_SERVERS", "[]")}); a name that is computed any other way is reported
 * by {@link #underivableReads}, so the derived list cannot silently miss a variable.
 */
final class ServiceCode {
  /** A configuration read with a literal name: {@code .str("X"}, {@code .integer("X"}, ... */
  private static final Pattern READ = Pattern.compile("\\.(str|integer|bool|raw)\\(\\s*\"([A-Z][A-Z0-9_]*)\"");
  /** The same call on an {@code env} object with anything but a literal name: it cannot be derived. */
  private static final Pattern NON_LITERAL = Pattern.compile("\\b\\w*[eE]nv\\w*\\s*\\.\\s*(str|integer|bool|raw)\\(\\s*(?!\")(\\S)");
  private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\\s*\"([A-Z][A-Z0-9_]*)\"");
  private static final Pattern LOGBACK_VAR = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?}");

  /** A method declaration: name, parameters, and the opening brace of its body. */
  private static final Pattern METHOD = Pattern.compile("\\b(\\w+)\\s*\\(([^()]*)\\)\\s*(?:throws\\s+[\\w.,\\s]+)?\\{");
  private static final java.util.Set<String> KEYWORDS = java.util.Set.of("if", "for", "while", "switch", "catch", "synchronized", "try", "do", "else", "return", "new");

  /** How a variable is read. */
  enum Kind { STR, INTEGER, BOOL, RAW, GETENV, LOGBACK }

  /**
   * A method that passes its parameter number {@code nameIndex} to {@code env.<kind>(...)} as the
   * variable name, with the character range of its body in {@code file}.
   */
  record Helper(String method, int nameIndex, String parameter, Kind kind, Path file, int bodyStart, int bodyEnd) {}

  /**
   * One read of a variable.
   *
   * @param min the lower bound of an {@code env.integer} read, when it is a plain number
   * @param max the upper bound, likewise
   */
  record Read(String name, Kind kind, String where, Long min, Long max) {}

  private ServiceCode() {}

  /** Every variable the module reads at run time, name to its reads. */
  static Map<String, List<Read>> reads(String module) {
    Map<String, List<Read>> out = new TreeMap<>();
    for (String m : Repo.runtimeModules(module)) {
      Path base = Repo.root().resolve(m).resolve("src/main");
      for (Path java : Repo.files(base.resolve("java"), ".java")) {
        String text = Repo.read(java);
        Matcher r = READ.matcher(text);
        while (r.find()) {
          Kind kind = Kind.valueOf(r.group(1).toUpperCase());
          Long[] bounds = kind == Kind.INTEGER ? integerBounds(text, r.end()) : new Long[2];
          add(out, new Read(r.group(2), kind, Repo.rel(java) + ":" + line(text, r.start()), bounds[0], bounds[1]));
        }
        Matcher g = GETENV.matcher(text);
        while (g.find()) add(out, new Read(g.group(1), Kind.GETENV, Repo.rel(java) + ":" + line(text, g.start()), null, null));
      }
      List<Helper> helpers = helpers(module);
      for (Path java : Repo.files(base.resolve("java"), ".java")) {
        String text = Repo.read(java);
        for (Helper h : helpers) {
          for (int[] call : calls(text, h.method())) {
            List<String> args = arguments(text, call[1]);
            if (args.size() <= h.nameIndex()) continue;
            Matcher lit = Pattern.compile("^\\s*\"([A-Z][A-Z0-9_]*)\"\\s*$").matcher(args.get(h.nameIndex()));
            if (lit.find()) add(out, new Read(lit.group(1), h.kind(), Repo.rel(java) + ":" + line(text, call[0]) + " via " + h.method() + "()", null, null));
          }
        }
      }
      for (Path xml : Repo.files(base.resolve("resources"), ".xml")) {
        if (!xml.getFileName().toString().startsWith("logback")) continue;
        String text = Repo.read(xml);
        Matcher l = LOGBACK_VAR.matcher(text);
        while (l.find()) add(out, new Read(l.group(1), Kind.LOGBACK, Repo.rel(xml) + ":" + line(text, l.start()), null, null));
      }
    }
    return out;
  }

  /** Reads whose variable name is not a literal, so no check can know it ("file:line: text"). */
  static List<String> underivableReads(String module) {
    List<String> out = new ArrayList<>();
    List<Helper> helpers = helpers(module);
    for (String m : Repo.runtimeModules(module)) {
      for (Path java : Repo.files(Repo.root().resolve(m).resolve("src/main/java"), ".java")) {
        String text = Repo.read(java);
        Matcher n = NON_LITERAL.matcher(text);
        while (n.find()) {
          int at = n.start();
          boolean explained = helpers.stream().anyMatch(h -> h.file().equals(java) && at > h.bodyStart() && at < h.bodyEnd()
              && Pattern.compile("^\\s*" + Pattern.quote(h.parameter()) + "\\s*[,)]").matcher(text.substring(n.end(1) + 1)).find());
          if (explained) continue;
          out.add(Repo.rel(java) + ":" + line(text, at) + ": " + lineText(text, at));
        }
        for (Helper h : helpers) {
          for (int[] call : calls(text, h.method())) {
            if (java.equals(h.file()) && call[0] > h.bodyStart() && call[0] < h.bodyEnd()) continue;
            List<String> args = arguments(text, call[1]);
            if (args.size() > h.nameIndex() && !args.get(h.nameIndex()).trim().matches("\"[A-Z][A-Z0-9_]*\"")) {
              out.add(Repo.rel(java) + ":" + line(text, call[0]) + ": " + lineText(text, call[0]) + " (" + h.method() + " reads a variable named by its argument)");
            }
          }
        }
      }
    }
    return out;
  }

  /** Methods of the module (and its project dependencies) that read a variable named by a parameter. */
  static List<Helper> helpers(String module) {
    List<Helper> out = new ArrayList<>();
    for (String m : Repo.runtimeModules(module)) {
      for (Path java : Repo.files(Repo.root().resolve(m).resolve("src/main/java"), ".java")) {
        String text = Repo.read(java);
        Matcher d = METHOD.matcher(text);
        while (d.find()) {
          if (KEYWORDS.contains(d.group(1))) continue;
          String[] params = d.group(2).split(",");
          int open = d.end() - 1;
          int close = matchingBrace(text, open);
          if (close < 0) continue;
          String body = text.substring(open, close);
          for (int i = 0; i < params.length; i++) {
            String[] parts = params[i].trim().split("\\s+");
            if (parts.length < 2 || !parts[parts.length - 2].equals("String")) continue;
            String param = parts[parts.length - 1];
            Matcher use = Pattern.compile("\\b\\w*[eE]nv\\w*\\s*\\.\\s*(str|integer|bool|raw)\\(\\s*" + Pattern.quote(param) + "\\s*[,)]").matcher(body);
            if (use.find()) out.add(new Helper(d.group(1), i, param, Kind.valueOf(use.group(1).toUpperCase()), java, open, close));
          }
        }
      }
    }
    return out;
  }

  /** Calls of a method in a text: {start of the name, index of the opening parenthesis}. */
  private static List<int[]> calls(String text, String method) {
    List<int[]> out = new ArrayList<>();
    Matcher c = Pattern.compile("(?<![\\w.])" + Pattern.quote(method) + "\\s*\\(").matcher(text);
    while (c.find()) {
      // Not the declaration itself: a declaration's parameter list is followed by a body.
      int close = closingParen(text, c.end() - 1);
      if (close < 0) continue;
      String after = text.substring(close + 1, Math.min(text.length(), close + 200)).trim();
      if (after.startsWith("{") || after.startsWith("throws")) continue;
      out.add(new int[] {c.start(), c.end() - 1});
    }
    return out;
  }

  /** The top-level arguments of the call whose opening parenthesis is at {@code open}. */
  private static List<String> arguments(String text, int open) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    StringBuilder cur = new StringBuilder();
    for (int i = open + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        cur.append(c);
        if (c == '\\') {
          cur.append(text.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') inString = true;
      if (c == '(' || c == '[' || c == '{') depth++;
      if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          args.add(cur.toString());
          return args;
        }
        depth--;
      }
      if (c == ',' && depth == 0) {
        args.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    return args;
  }

  private static int closingParen(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') depth++;
      if (c == ')' && --depth == 0) return i;
    }
    return -1;
  }

  private static int matchingBrace(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') depth++;
      if (c == '}' && --depth == 0) return i;
    }
    return -1;
  }

  private static String lineText(String text, int at) {
    int start = text.lastIndexOf('\n', at) + 1;
    int end = text.indexOf('\n', at);
    return text.substring(start, end < 0 ? text.length() : end).trim();
  }

  /** A {@code public static final int NAME = <expression>;} constant of a project source file. */
  static long intConstant(String relativeFile, String name) {
    String text = Repo.read(Repo.root().resolve(relativeFile));
    Matcher m = Pattern.compile("\\bint\\s+" + Pattern.quote(name) + "\\s*=\\s*([^;]+);").matcher(text);
    if (!m.find()) throw new IllegalStateException(relativeFile + " has no int constant " + name);
    Long v = evaluate(m.group(1));
    if (v == null) throw new IllegalStateException(relativeFile + ": " + name + " is not a plain number: " + m.group(1));
    return v;
  }

  private static void add(Map<String, List<Read>> out, Read read) {
    out.computeIfAbsent(read.name(), k -> new ArrayList<>()).add(read);
  }

  private static int line(String text, int offset) {
    int n = 1;
    for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') n++;
    return n;
  }

  /** The 3rd and 4th arguments of {@code env.integer(name, def, min, max)} when they are plain numbers. */
  private static Long[] integerBounds(String text, int afterName) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (int i = afterName; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') depth++;
      if (c == ')') {
        if (depth == 0) {
          args.add(cur.toString());
          break;
        }
        depth--;
      }
      if (c == ',' && depth == 0) {
        args.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    // args[0] is what followed the name (empty), then default, min, max.
    Long min = args.size() > 2 ? evaluate(args.get(2)) : null;
    Long max = args.size() > 3 ? evaluate(args.get(3)) : null;
    return new Long[] {min, max};
  }

  /** A product of integer literals ({@code 16 * 1024 * 1024}, {@code 1_000_000}), or null. */
  static Long evaluate(String expression) {
    String e = expression.trim().replace("_", "");
    if (e.isEmpty()) return null;
    long product = 1;
    for (String factor : e.split("\\*")) {
      String f = factor.trim();
      if (!f.matches("-?\\d+L?")) return null;
      product *= Long.parseLong(f.replace("L", ""));
    }
    return product;
  }

  /** For messages: the reads of each name, "NAME (file:line)". */
  static Map<String, String> describe(Map<String, List<Read>> reads) {
    Map<String, String> out = new LinkedHashMap<>();
    reads.forEach((k, v) -> out.put(k, v.get(0).where()));
    return out;
  }
}
