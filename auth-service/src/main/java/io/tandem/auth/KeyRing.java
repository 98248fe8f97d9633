package io.tandem.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The current signing key and its signer. With configured PEM files, {@link #reloadIfChanged()}
 * picks up a replaced key pair (rotation without a restart: the new {@code kid} is published, the
 * old public key stays published until tokens it signed have expired).
 */
public final class KeyRing {
  private final Vertx vertx;
  private final AuthConfig config;
  private volatile SigningKey current;
  private volatile JWTAuth signer;
  private FileTime loadedPrivate;
  private FileTime loadedPublic;

  public KeyRing(Vertx vertx, AuthConfig config) {
    this.vertx = vertx;
    this.config = config;
    if (config.privateKeyPath() == null) {
      use(SigningKey.generate());
    } else {
      reloadIfChanged();
      if (current == null) throw new IllegalArgumentException("cannot load JWT key files");
    }
  }

  public SigningKey current() {
    return current;
  }

  JWTAuth signer() {
    return signer;
  }

  /** Reloads the PEM files when they changed; true when the key changed. Blocking file I/O: call off the event loop. */
  public synchronized boolean reloadIfChanged() {
    if (config.privateKeyPath() == null) return false;
    Path priv = Path.of(config.privateKeyPath());
    Path pub = Path.of(config.publicKeyPath());
    try {
      FileTime p = Files.getLastModifiedTime(priv);
      FileTime q = Files.getLastModifiedTime(pub);
      if (p.equals(loadedPrivate) && q.equals(loadedPublic)) return false;
      SigningKey next = SigningKey.fromPem(priv, pub, current == null ? config.keyId() : null);
      loadedPrivate = p;
      loadedPublic = q;
      if (current != null && current.kid().equals(next.kid())) return false;
      use(next);
      return true;
    } catch (IOException e) {
      if (current == null) throw new IllegalArgumentException("cannot read JWT key files: " + e.getMessage(), e);
      return false;
    }
  }

  private void use(SigningKey key) {
    signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    current = key;
  }
}
