package io.tandem.common;

/** Event-bus addresses: the only way the services talk to each other. */
public final class Addresses {
  private Addresses() {}

  /** Matchmaker: request {@link io.tandem.common.msg.JoinRequest}; replies {@link io.tandem.common.msg.JoinReply}. Round-robin over replicas. */
  public static final String MATCHMAKER_JOIN = "tandem.matchmaker.join";
  /** Matchmaker: request {@link io.tandem.common.msg.UserRef}; removes the user from the queue; replies an empty object. */
  public static final String MATCHMAKER_LEAVE = "tandem.matchmaker.leave";
  /** {@link #MATCHMAKER_JOIN} of one matching partition ({@code ""}: the default one, the plain address); see {@link MatchPartitions}. */
  public static String matchmakerJoin(String partition) {
    return partition.isEmpty() ? MATCHMAKER_JOIN : MATCHMAKER_JOIN + "." + partition;
  }

  /** {@link #MATCHMAKER_LEAVE} of one matching partition. */
  public static String matchmakerLeave(String partition) {
    return partition.isEmpty() ? MATCHMAKER_LEAVE : MATCHMAKER_LEAVE + "." + partition;
  }

  /** Chat service: request {@link io.tandem.common.msg.ChatRequest}; replies the delivered {@code message} payload. */
  public static final String CHAT_SEND = "tandem.chat.send";
  /** Auth service: request {@link io.tandem.common.msg.AuthCall} (an HTTP call forwarded by a gateway); replies {@link io.tandem.common.msg.AuthAnswer}. */
  public static final String AUTH_HTTP = "tandem.auth.http";

  /** Published to every gateway: {@code {"device": hash}} or {@code {"ip": hash}} was blocked; close matching sockets. */
  public static final String SAFETY_BLOCKED = "tandem.safety.blocked";

  /** Published to every gateway: {@code {"family": id, "until": ms}}: a refresh-token family was revoked; refuse access tokens carrying it until then. */
  public static final String AUTH_FAMILY_REVOKED = "tandem.auth.family-revoked";

  /** Prefix of each gateway node's own delivery address; see {@link #gatewayNode(String)}. */
  public static final String GATEWAY_NODE_PREFIX = "tandem.gateway.node.";

  /** A gateway node's delivery address: {@link io.tandem.common.msg.Delivery} bodies for users connected to that node. */
  public static String gatewayNode(String nodeId) {
    return GATEWAY_NODE_PREFIX + nodeId;
  }
}
