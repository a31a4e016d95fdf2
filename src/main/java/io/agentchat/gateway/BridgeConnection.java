package io.agentchat.gateway;

import io.agentchat.common.Ids;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Set;

/**
 * One open bridge socket: the connection id its turns carry, the last of its frames still being authorised (frames are
 * authorised one after another, so that they reach the event bus in the order the client wrote them), and the handlers it
 * holds on the server, its registrations and the requests awaiting a reply, which are bounded per socket.
 */
final class BridgeConnection {
  final String id = "ws-" + Ids.uuid();
  Future<Void> tail = Future.succeededFuture();
  private final Set<String> registered = new HashSet<>();
  /** Requests of this socket handed to the sessions and not yet answered. */
  private int awaiting;

  /** Whether one more handler fits within {@code max}; registering an address held already takes none. */
  boolean fits(int max, String registering) {
    return (registering != null && registered.contains(registering)) || registered.size() + awaiting < max;
  }

  void registered(String address) {
    registered.add(address);
  }

  void unregistered(String address) {
    registered.remove(address);
  }

  /** A request now awaits its answer. */
  void awaiting() {
    awaiting++;
  }

  /** A request was answered, with a reply or a refusal. */
  void answered() {
    awaiting = Math.max(0, awaiting - 1);
  }
}
