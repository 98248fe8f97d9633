package io.tandem.common.store;

import io.tandem.common.RedisKeys;
import io.tandem.common.msg.UserRef;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** {@link StoreProbe} over the Redis keys a {@link RedisCallStore} writes (see {@link RedisKeys}). */
final class RedisProbe implements StoreProbe {
  private final Redis redis;
  private final CallStore store;

  private final String partition;

  RedisProbe(Redis redis) {
    this(redis, "");
  }

  /** The store and keys of one matching partition. */
  RedisProbe(Redis redis, String partition) {
    this.redis = redis;
    this.partition = partition;
    this.store = new RedisCallStore(redis, partition);
  }

  /** A default-partition key name in this probe's partition. */
  private String k(String key) {
    return RedisKeys.tag(partition) + key.substring(RedisKeys.TAG.length());
  }

  Response cmd(Command c, Object... args) {
    Request r = Request.cmd(c);
    for (Object a : args) r.arg(String.valueOf(a));
    return redis.send(r).await();
  }

  private String field(UserRef u, String field) {
    Response r = cmd(Command.HGET, k(RedisKeys.user(u.userId())), field);
    return r == null ? null : r.toString();
  }

  private boolean exists(String key) {
    return cmd(Command.EXISTS, key).toInteger() == 1;
  }

  @Override
  public CallStore store() {
    return store;
  }

  @Override
  public long now() {
    Response t = cmd(Command.TIME);
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  @Override
  public boolean queued(UserRef u) {
    return queueSeq(u) != null;
  }

  @Override
  public Long queueSeq(UserRef u) {
    Response r = cmd(Command.ZSCORE, k(RedisKeys.QUEUE), u.userId());
    return r == null ? null : r.toLong();
  }

  @Override
  public boolean interestIndexed(String interest) {
    return exists(k(RedisKeys.interestQueue(interest)));
  }

  @Override
  public boolean languageIndexed(String tag) {
    return exists(k(RedisKeys.languageQueue(tag)));
  }

  @Override
  public String session(UserRef u) {
    return field(u, "session");
  }

  @Override
  public boolean sessionExists(String sessionId) {
    return exists(k(RedisKeys.session(sessionId)));
  }

  @Override
  public boolean pending(String sessionId) {
    return cmd(Command.ZSCORE, k(RedisKeys.PENDING), sessionId) != null;
  }

  @Override
  public boolean userKnown(UserRef u) {
    return exists(k(RedisKeys.user(u.userId())));
  }

  @Override
  public String conn(UserRef u) {
    return field(u, "conn");
  }

  @Override
  public String node(UserRef u) {
    return field(u, "node");
  }

  @Override
  public boolean onNode(String node, UserRef u) {
    return cmd(Command.SISMEMBER, k(RedisKeys.nodeUsers(node)), u.userId()).toInteger() == 1;
  }

  @Override
  public boolean inGrace(UserRef u) {
    return cmd(Command.ZSCORE, k(RedisKeys.GRACE), u.userId()) != null;
  }

  @Override
  public boolean graceDeadline(UserRef u) {
    return field(u, "graceUntil") != null;
  }

  @Override
  public long graceCount() {
    return cmd(Command.ZCARD, k(RedisKeys.GRACE)).toLong();
  }

  @Override
  public void lastReapAt(long ms) {
    cmd(Command.SET, k(RedisKeys.STORE_CLOCK), ms);
  }

  @Override
  public void stallEndedAt(long ms) {
    if (ms == 0) cmd(Command.DEL, k(RedisKeys.STORE_STALL));
    else cmd(Command.SET, k(RedisKeys.STORE_STALL), ms);
  }

  @Override
  public void lastBeat(String node, long ms) {
    cmd(Command.ZADD, k(RedisKeys.NODES), ms, node);
  }
}
