package io.agentchat.gateway;

import io.agentchat.client.ClientAddresses;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.common.Identity;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.CancelTurn;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The bridge's inbound side: what clients may send ({@code chat.send}, {@code chat.cancel}) and listen on, and the
 * consumers that turn those frames, already carrying the verified identity {@link BridgeGuard} put on them, into turns.
 * Each gateway instance listens on addresses of its own ({@link Addresses}): the guard hands a socket's frames to the
 * instance that holds the socket, so that the frames of one socket are answered in order by one event loop.
 */
final class BridgeInbound {
  /** One gateway instance's inbound addresses, node-local, never seen by a browser. */
  record Addresses(String send, String cancel) {
    static Addresses create() {
      String base = "gateway.inbound." + Ids.uuid();
      return new Addresses(base + ".send", base + ".cancel");
    }

    /** Where a frame the client sent to {@code clientAddress} goes on this instance; null for an address clients may not use. */
    String of(String clientAddress) {
      return ClientAddresses.CHAT_SEND.equals(clientAddress) ? send : ClientAddresses.CHAT_CANCEL.equals(clientAddress) ? cancel : null;
    }
  }

  private final Vertx vertx;
  private final Addresses addresses;
  private final TurnRate rate;
  /**
   * Per connection, the last of its frames not yet answered. A frame is handed to the session capability only once the one
   * before it was answered (a turn accepted, which puts it in its session's queue, or refused), so the turns of one socket
   * run in the order its frames arrived, however the lookups and reservations in between are timed.
   */
  private final Map<String, Future<Void>> pending = new HashMap<>();

  private final BridgeGuard guard;

  BridgeInbound(Vertx vertx, Addresses addresses, TurnRate rate, BridgeGuard guard) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.rate = rate;
    this.guard = guard;
  }

  /** How long the bridge waits for the reply to a client's request. */
  static final long REPLY_TIMEOUT_MS = 60_000;

  /** Where the bridge registers a connection's placeholder for an address the guard listens on for it (never published to). */
  static final String HELD_PREFIX = "gateway.held.";

  /**
   * The bridge's permissions: inbound, this instance's two addresses (the guard refuses any frame not sent to
   * {@code chat.send} or {@code chat.cancel} and readdresses those); outbound, the placeholders of the registrations the
   * guard allowed (a client's own, its tenant's monitor, the operators' feed), to which the guard readdresses them.
   */
  SockJSBridgeOptions options(HttpConfig http) {
    return new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(addresses.send()))
        .addInboundPermitted(new PermittedOptions().setAddress(addresses.cancel()))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Pattern.quote(HELD_PREFIX) + "ws-[0-9a-f-]{36}\\..+"))
        .setMaxAddressLength(128)
        // the guard counts and refuses first, naming the frame; this is only the framework's backstop
        .setMaxHandlersPerSocket(2 * http.maxHandlersPerSocket() + 1)
        .setPingTimeout(http.pingTimeoutMs())
        .setReplyTimeout(REPLY_TIMEOUT_MS);
  }

  Future<Void> start() {
    EventBus bus = vertx.eventBus();
    var send = bus.<Object>localConsumer(addresses.send(), m -> inOrder(m, this::send));
    var cancel = bus.<Object>localConsumer(addresses.cancel(), m -> inOrder(m, this::cancel));
    return Future.join(send.completion(), cancel.completion()).mapEmpty();
  }

  /** Handles a frame after the earlier frames of its connection; {@code handler} completes once the frame is answered. */
  private void inOrder(Message<Object> msg, Function<Message<Object>, Future<Void>> handler) {
    String connection = msg.headers().get(BridgeGuard.H_CONNECTION);
    if (connection == null) {
      handler.apply(msg);
      return;
    }
    Future<Void> before = pending.getOrDefault(connection, Future.succeededFuture());
    Future<Void> mine = before.transform(x -> handler.apply(msg));
    pending.put(connection, mine);
    mine.onComplete(x -> {
      pending.remove(connection, mine);
      if (msg.replyAddress() != null) {
        guard.answered(connection); // the client's request no longer holds a handler of its socket
      }
    });
  }

  private Future<Void> send(Message<Object> msg) {
    try {
      Identity id = BridgeGuard.identity(msg.headers());
      JsonBody b = JsonBody.of(msg.body());
      String message = b.optional("message");
      if (message == null) {
        throw ErrorCode.INVALID_REQUEST.exception("message is required.");
      }
      AppException limited = rate.check(id);
      if (limited != null) {
        throw limited;
      }
      ChatTurn turn = new ChatTurn(id, b.optional("session_id"), message, b.optional("request_id"),
          msg.headers().get(BridgeGuard.H_CONNECTION), false, null, b.optional("replaces_turn_id"));
      return forward(msg, SessionAddresses.TURN, turn, (TurnAccepted a) -> HttpShapes.accepted(a));
    } catch (AppException e) {
      e.failReply(msg);
      return Future.succeededFuture();
    }
  }

  private Future<Void> cancel(Message<Object> msg) {
    try {
      Identity id = BridgeGuard.identity(msg.headers());
      String turnId = JsonBody.of(msg.body()).required("turn_id");
      return forward(msg, SessionAddresses.CANCEL, new CancelTurn(id, turnId), (Boolean c) -> new JsonObject().put("cancelled", c));
    } catch (AppException e) {
      e.failReply(msg);
      return Future.succeededFuture();
    }
  }

  /** Asks the session capability and answers the client's frame with the reply, or with the product error. */
  private <T> Future<Void> forward(Message<Object> msg, String address, Object body, Function<T, JsonObject> answer) {
    return vertx.eventBus().<T>request(address, body, new DeliveryOptions().setSendTimeout(HttpEdge.CALL_TIMEOUT_MS)).transform(ar -> {
      if (ar.succeeded()) {
        msg.reply(answer.apply(ar.result().body()));
      } else {
        ErrorCode.toAppException(ar.cause()).failReply(msg);
      }
      return Future.succeededFuture();
    });
  }
}
