package io.agentchat.session;

/** Event-bus addresses of the chat-session capability. */
public final class SessionAddresses {
  public static final String CREATE = "session.create";
  public static final String LIST = "session.list";
  public static final String MESSAGES = "session.messages";
  /** A user message for a session (accepted at once, or answered with the whole reply when collected). */
  public static final String TURN = "session.turn";
  public static final String CANCEL = "session.cancel";
  /** A chat renamed by its user. */
  public static final String RENAME = "session.rename";
  /** A chat closed or deleted by its user (refused while one of its turns runs or waits). */
  public static final String END = "session.end";
  /**
   * A chat closed or deleted (JSON {@code tenant_id, session_id}), told to every instance of every node: an actor of it
   * held elsewhere (cluster mode) takes no more turns.
   */
  public static final String ENDED = "session.ended";
  /** The caller's chats whose title or messages contain a text. */
  public static final String SEARCH = "session.search";
  /**
   * Node-local: a program's turn (the OpenAI-compatible API), run at once by the instance that receives it, in a session
   * of its own; answered with the whole result after settlement, its frames published to the address the turn names.
   */
  public static final String PROGRAM_TURN = "session.program.turn";
  /**
   * Cluster mode: a stop published to every node (JSON {@code tenant_id, session_id, turn_id}), acted on by the node whose
   * actor runs the turn. Sent only after the receiving node checked that the turn is the caller's.
   */
  public static final String CANCEL_ON_OWNER = "session.cancel.owner";
  /** Cluster mode: a closed connection (JSON {@code connection_id}) told to every node, whose actors stop its turns. */
  public static final String CONNECTION_CLOSED_CLUSTER = "session.connection.closed.cluster";
  /** The stored trace steps of one turn. */
  public static final String TRACE = "session.trace";
  /** Published when a client connection closes: its running turns stop and are metered for what they produced. */
  public static final String CONNECTION_CLOSED = "session.connection.closed";
  /**
   * Sent by the gateway when the server stops, after it stopped accepting connections: no new turns; running and queued
   * ones are stopped and settled while the clients' connections are still open to hear how they ended.
   */
  public static final String DRAIN = "session.drain";

  private SessionAddresses() {
  }

  /**
   * Node-local: one session instance of a deployment ({@code shard} of the instances), which runs the actors of its share
   * of the sessions; {@code what} is {@code turn}, {@code cancel}, {@code end} or {@code drain}.
   */
  public static String shard(String deploymentId, int shard, String what) {
    return "session.shard." + deploymentId + "." + shard + "." + what;
  }

  /** Cluster mode: the one node that runs a session's actor consumes its turns here (cluster-wide). */
  public static String actor(String tenantId, String sessionId) {
    return "session.actor." + tenantId + "." + sessionId;
  }
}
