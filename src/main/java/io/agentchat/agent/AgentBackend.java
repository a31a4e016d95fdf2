package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A model or agent service that answers a turn as a stream. Implementations never block the calling event loop. */
public interface AgentBackend {

  /** Receives a turn's output as it is produced. */
  interface Sink {
    void chunk(String text);

    void trace(String step, JsonObject detail);

    /** True once the turn was cancelled; a backend stops producing and completes with status cancelled. */
    boolean cancelled();

    /** Registers an action to run when the turn is cancelled (e.g. to abort an HTTP call). */
    void onCancel(Runnable action);
  }

  Future<AgentResult> invoke(AgentRequest request, Sink sink);

  /** The model asked to answer the tier's turns, as the turn's span names it (null when the backend cannot say). */
  default String requestModel(String tier) {
    return null;
  }

  /** Succeeds when the backend can take calls (the service backends learn that on their first call). */
  default Future<Void> ready() {
    return Future.succeededFuture();
  }

  /** Releases clients and connections. */
  default void close() {
  }
}
