package io.tandem.bench.run;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny blocking Redis client for the fault scenarios' checks: a fresh connection per call and a
 * read timeout, so a frozen or restarted {@code redis-server} makes a check fail fast instead of
 * hanging (the pooled client of the services is what is under test, not this one).
 */
public final class RedisCli {
  /** Connect and read timeout of one call. */
  public static final int TIMEOUT_MS = 5_000;
  /** SCAN page size. */
  static final int SCAN_COUNT = 1_000;

  private final int port;

  public RedisCli(int port) {
    this.port = port;
  }

  /** One command; the reply as a String, a Long, null, or a List of those. */
  public Object call(String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String a : args) {
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(bytes);
        b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(b.toByteArray());
      out.flush();
      return read(new BufferedInputStream(s.getInputStream()));
    }
  }

  /** Every key matching {@code pattern} (SCAN, so a big keyspace is walked in pages). */
  public List<String> keys(String pattern) throws IOException {
    List<String> out = new ArrayList<>();
    String cursor = "0";
    do {
      List<?> r = (List<?>) call("SCAN", cursor, "MATCH", pattern, "COUNT", Integer.toString(SCAN_COUNT));
      cursor = (String) r.get(0);
      for (Object k : (List<?>) r.get(1)) out.add((String) k);
    } while (!cursor.equals("0"));
    return out;
  }

  /** A hash field, or null. */
  public String hget(String key, String field) throws IOException {
    return (String) call("HGET", key, field);
  }

  /** The members of a sorted set (or of a set, with {@code SMEMBERS}). */
  @SuppressWarnings("unchecked")
  public List<String> list(String... command) throws IOException {
    Object r = call(command);
    return r == null ? List.of() : (List<String>) r;
  }

  static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) throw new IOException("redis closed the connection");
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) return null;
        byte[] buf = in.readNBytes(n + 2);
        if (buf.length < n + 2) throw new IOException("short bulk reply");
        return new String(buf, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) return null;
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(read(in));
        return out;
      }
      default:
        throw new IOException("unexpected reply type '" + (char) type + "'");
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        in.read();
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
