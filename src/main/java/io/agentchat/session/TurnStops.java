package io.agentchat.session;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Map;

/**
 * Which of a session instance's turns stop when their client connection closes or their member is removed, and, in a
 * cluster, the other nodes told of a connection closed here. A connection closed while a turn of it was still being
 * admitted is remembered a minute, so that turn stops too.
 */
final class TurnStops {
  private final Vertx vertx;
  private final Map<String, SessionActor> actors;
  private final ProgramTurns programs;
  /** Whether this instance tells the cluster of connections closed on its node (one instance does). */
  private final boolean tellsCluster;
  private final TurnChecks.ClosedConnections closed = new TurnChecks.ClosedConnections();

  TurnStops(Vertx vertx, Map<String, SessionActor> actors, ProgramTurns programs, boolean tellsCluster) {
    this.vertx = vertx;
    this.actors = actors;
    this.programs = programs;
    this.tellsCluster = tellsCluster;
  }

  boolean closed(String connectionId) {
    return closed.contains(connectionId);
  }

  /** A connection of this node closed: its turns stop here and, in a cluster, on the nodes its turns were forwarded to. */
  void closedHere(String connectionId) {
    connectionClosed(connectionId);
    if (tellsCluster) { // every instance heard it; one tells the cluster
      vertx.eventBus().publish(SessionAddresses.CONNECTION_CLOSED_CLUSTER, new JsonObject().put("connection_id", connectionId));
    }
  }

  void connectionClosed(String connectionId) {
    closed.remember(connectionId);
    for (SessionActor a : new ArrayList<>(actors.values())) {
      a.connectionClosed(connectionId);
    }
    programs.connectionClosed(connectionId);
  }

  /** A member was removed: their turns here stop, settled for what they produced; their queued ones are given back. */
  void memberRemoved(String tenantId, String userId) {
    for (SessionActor a : new ArrayList<>(actors.values())) {
      if (a.session().tenantId().equals(tenantId) && a.session().userId().equals(userId)) {
        a.drain();
      }
    }
    programs.stopOf(tenantId, userId);
  }
}
