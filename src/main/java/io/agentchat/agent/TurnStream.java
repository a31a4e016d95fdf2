package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.Chunk;
import io.agentchat.agent.AgentMessages.TraceStep;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A turn's output on its way from the agent to the session actor on the same node: its {@link Chunk}s and
 * {@link TraceStep}s, queued in the order the backend produced them. The agent sends a {@link AgentMessages.StreamReady}
 * to the stream address only when it queues into a stream the actor has not been told of yet, and the actor takes
 * everything queued each time it hears one. An actor that keeps up hears of every chunk on its own (a lone chunk is never
 * held back); one that falls behind finds several waiting and sends them to the client as one frame. One writer (the
 * agent's event loop) and one reader (the actor's), each on its own thread.
 */
public final class TurnStream {
  private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean told = new AtomicBoolean();

  /** Queues a chunk or a trace step; true when the reader has to be told (it was told of nothing still waiting). */
  boolean offer(Object item) {
    items.add(item);
    return told.compareAndSet(false, true);
  }

  /**
   * Hands everything queued to {@code each}, in order. Whatever is queued from the moment this starts and not taken here
   * is told of again, so nothing waits unseen.
   */
  public void drain(Consumer<Object> each) {
    told.set(false);
    for (Object item = items.poll(); item != null; item = items.poll()) {
      each.accept(item);
    }
  }
}
