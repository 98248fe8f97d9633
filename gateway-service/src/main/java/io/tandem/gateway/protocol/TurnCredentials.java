package io.tandem.gateway.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the TURN REST convention that coturn accepts with
 * {@code use-auth-secret}: username {@code <expiry epoch s>:<userId>}, password
 * base64(HMAC-SHA1(secret, username)). No static TURN credentials anywhere.
 */
public final class TurnCredentials {
  private final byte[] secret;
  private final JsonArray urls;
  private final int ttlSeconds;

  public TurnCredentials(String secret, JsonArray urls, int ttlSeconds) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.urls = urls;
    this.ttlSeconds = ttlSeconds;
  }

  /** The RTCIceServer entry for this user, valid for the configured TTL from now. */
  public JsonObject forUser(String userId, long nowSeconds) {
    String username = (nowSeconds + ttlSeconds) + ":" + userId;
    return new JsonObject().put("urls", urls.copy()).put("username", username).put("credential", sign(secret, username));
  }

  /** base64(HMAC-SHA1(secret, username)). */
  public static String sign(byte[] secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
