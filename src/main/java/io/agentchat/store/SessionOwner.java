package io.agentchat.store;

/**
 * Which node runs a session's actor in cluster mode. {@code node} is empty once released; {@code epoch} grows by one with
 * every claim and release, and each change is conditional on the epoch read before it, so of two nodes racing for a
 * session exactly one wins, and a node that lost its session cannot release the next owner's.
 */
public record SessionOwner(String node, long epoch) {
  public static final SessionOwner NONE = new SessionOwner("", 0);

  public boolean released() {
    return node == null || node.isEmpty();
  }
}
