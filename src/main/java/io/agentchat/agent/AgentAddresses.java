package io.agentchat.agent;

/** Event-bus addresses of the agent capability. */
public final class AgentAddresses {
  public static final String INVOKE = "agent.invoke";
  /** Published: every agent instance stops the named turn if it runs it. */
  public static final String CANCEL = "agent.cancel";
  public static final String READY = "agent.ready";
  private static final String STREAM_PREFIX = "agent.stream.";

  private AgentAddresses() {
  }

  /** Where the agent sends a turn's chunks and trace steps, in order. */
  public static String stream(String turnId) {
    return STREAM_PREFIX + turnId;
  }
}
