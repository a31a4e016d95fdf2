package io.agentchat.common;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.function.Supplier;

/**
 * State that the instances of one deployment share on a node (a verticle deployed once per core): rate limits, counters
 * behind one meter, the table of session shards. One object per name, made by the first instance that asks; names carry
 * the deployment id, so that a deployment made again starts afresh. The object must be safe to use from several event
 * loops.
 */
public final class NodeLocal {
  private static final String MAP = "agentchat.node-local";

  private NodeLocal() {
  }

  /** Marks a node-local object as shared on purpose (local maps otherwise copy what they hold). */
  private record Held(Object value) implements Shareable {
  }

  /** The object named {@code name} on this node, made by {@code make} when there is none yet. */
  @SuppressWarnings("unchecked")
  public static <T> T of(Vertx vertx, String name, Supplier<T> make) {
    LocalMap<String, Held> map = vertx.sharedData().getLocalMap(MAP);
    return (T) map.computeIfAbsent(name, k -> new Held(make.get())).value();
  }

  /**
   * Forgets the object named {@code name} (its deployment is going away); those who hold it may go on using it. True for
   * the one caller that removed it, which may then close what it holds.
   */
  public static boolean release(Vertx vertx, String name) {
    return vertx.sharedData().<String, Held>getLocalMap(MAP).remove(name) != null;
  }
}
