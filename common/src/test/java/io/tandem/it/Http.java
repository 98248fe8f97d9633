package io.tandem.it;

import io.tandem.common.ProofOfWork;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Blocking HTTP calls for tests. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  public record Answer(int status, JsonObject body, HttpResponse<String> raw) {
    /** A response header, or null. */
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public static Answer post(int port, String path, String body) throws Exception {
    return send(port, path, "POST", body, new String[0]);
  }

  /** Any call; headers as name, value, name, value… */
  public static Answer send(int port, String path, String method, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), parse(r.body()), r);
  }

  public static Answer get(int port, String path) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), parse(r.body()), r);
  }

  private static JsonObject parse(String body) {
    try {
      return new JsonObject(body);
    } catch (RuntimeException e) {
      return new JsonObject().put("raw", body);
    }
  }

  /** A fresh access token for a new device with this name (solving the proof of work as a page does). */
  public static JsonObject token(int port, String name) throws Exception {
    Answer a = postToken(port, new JsonObject().put("deviceId", UUID.randomUUID().toString()).put("name", name).put("age", 30));
    if (a.status() != 200) throw new AssertionError("token failed: " + a.status() + " " + a.body());
    return a.body();
  }

  /**
   * POST /auth/token with {@code body} plus the solution of a fresh challenge (GET /auth/challenge with the
   * same headers, so from the same network); sent as is when the service says none is required (TOKEN_POW=off).
   */
  public static Answer postToken(int port, JsonObject body, String... headers) throws Exception {
    for (int attempt = 0; ; attempt++) {
      JsonObject pow = pow(port, headers);
      Answer a = send(port, "/auth/token", "POST", (pow == null ? body : body.copy().put("pow", pow)).encode(), headers);
      String code = a.status() == 403 ? a.body().getJsonObject("error", new JsonObject()).getString("code", "") : "";
      // as the page does (api.js): a challenge refused as too easy, expired or signed with a replaced key is replaced once
      if (attempt > 0 || !List.of("pow-too-easy", "pow-expired", "pow-forged").contains(code)) return a;
    }
  }

  /** A solved challenge {challenge, nonce} from GET /auth/challenge, or null when TOKEN_POW is off. */
  public static JsonObject pow(int port, String... headers) throws Exception {
    Answer c = send(port, "/auth/challenge", "GET", null, headers);
    if (c.status() != 200) throw new AssertionError("challenge failed: " + c.status() + " " + c.body());
    if (!c.body().getBoolean("required")) return null;
    String challenge = c.body().getString("challenge");
    return new JsonObject().put("challenge", challenge).put("nonce", ProofOfWork.solve(challenge, c.body().getInteger("difficulty")));
  }
}
