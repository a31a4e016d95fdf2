package io.agentchat.gateway;

import io.agentchat.auth.TokenVerifier;
import io.agentchat.common.AppException;
import io.agentchat.client.ClientAddresses;
import io.agentchat.client.ClientFrame;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.ConnectionClosed;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's gatekeeper. Every send and register frame must carry a valid ID token; identity headers are replaced by
 * the verified ones (never the browser's); registrations only on the caller's own addresses; WebSocket origins checked.
 */
final class BridgeGuard {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeGuard.class);
  static final String H_TENANT = "x-agentchat-tenant";
  static final String H_USER = "x-agentchat-user";
  static final String H_EMAIL = "x-agentchat-email";
  static final String H_TIER = "x-agentchat-tier";
  static final String H_ADMIN = "x-agentchat-admin";
  static final String H_CONNECTION = "x-agentchat-connection";

  private final Vertx vertx;
  private final TokenVerifier tokens;
  private final BridgeOrigins origins;
  private final String operatorGroup;
  private final Map<SockJSSocket, BridgeConnection> sockets = new IdentityHashMap<>();
  private final Map<String, BridgeConnection> byId = new HashMap<>();
  private final int writeQueueBytes;
  /** Registrations and requests awaiting a reply that one socket may hold. */
  private final int maxHandlers;
  /** This gateway instance's inbound addresses, to which the frames of its sockets are readdressed. */
  private final BridgeInbound.Addresses inbound;
  private final GatewayShared shared;

  BridgeGuard(Vertx vertx, TokenVerifier tokens, List<String> allowedOrigins, String publicOrigin, String operatorGroup,
              int writeQueueBytes, int maxHandlers, BridgeInbound.Addresses inbound, GatewayShared shared) {
    this.vertx = vertx;
    this.inbound = inbound;
    this.shared = shared;
    this.maxHandlers = maxHandlers;
    this.tokens = tokens;
    this.origins = new BridgeOrigins(allowedOrigins, publicOrigin);
    this.operatorGroup = operatorGroup;
    this.writeQueueBytes = writeQueueBytes;
  }

  /** This instance's open sockets. */
  int openSockets() {
    return sockets.size();
  }

  /** Closes every bridge socket (the server is stopping); one whose client does not read is cut at once. */
  void closeAll() {
    for (SockJSSocket socket : new ArrayList<>(sockets.keySet())) {
      boolean stuck = socket.writeQueueFull();
      socket.close();
      if (stuck) {
        WebSocketEdge.abort(socket.routingContext().request().connection());
      }
    }
  }

  /**
   * Closes the sockets whose caller {@code whose} names (a user whose sign-ins were revoked, an organisation suspended or
   * erased); their turns then stop. Answers how many it closed.
   */
  int closeSocketsOf(java.util.function.Predicate<Identity> whose) {
    int closed = 0;
    for (Map.Entry<SockJSSocket, BridgeConnection> e : new ArrayList<>(sockets.entrySet())) {
      Identity id = e.getValue().identity();
      if (id != null && whose.test(id)) {
        e.getKey().close();
        closed++;
      }
    }
    return closed;
  }

  void handle(BridgeEvent ev) {
    BridgeEventType type = ev.type();
    switch (type) {
      case SOCKET_CREATED -> {
        if (!origins.allowed(ev.socket().headers())) {
          LOG.warn("bridge connection refused: origin {} not allowed", ev.socket().headers().get("Origin"));
          ev.complete(false);
          return;
        }
        // what is written and not yet taken by the client is bounded: past this the socket counts as slow
        ev.socket().setWriteQueueMaxSize(writeQueueBytes);
        BridgeConnection c = new BridgeConnection();
        sockets.put(ev.socket(), c);
        byId.put(c.id, c);
        shared.bridgeSockets.incrementAndGet();
        ev.complete(true);
      }
      case RECEIVE -> {
        SockJSSocket socket = ev.socket();
        if (!sockets.containsKey(socket)) {
          ev.complete(false); // dropped already
          return;
        }
        if (socket.writeQueueFull()) {
          ev.complete(false);
          closeSlow(socket);
          return;
        }
        ev.complete(true);
      }
      case UNREGISTER -> {
        BridgeConnection c = sockets.get(ev.socket());
        JsonObject raw = ev.getRawMessage();
        if (c != null && raw != null) {
          String address = raw.getString("address", "");
          if (c.unregistered(address)) {
            raw.put("address", held(c, address)); // the bridge's own registration of it goes too
          }
        }
        ev.complete(true);
      }
      case SOCKET_CLOSED -> {
        forget(ev.socket());
        ev.complete(true);
      }
      case SEND, REGISTER, PUBLISH -> inOrder(ev);
      default -> ev.complete(true);
    }
  }

  /**
   * A client that stops reading must not make the server hold its frames: its turns stop (metered for what they
   * produced), its place is freed and the connection is cut (a close frame would wait behind the full queue).
   */
  private void closeSlow(SockJSSocket socket) {
    if (forget(socket)) {
      shared.slowClosed.increment();
      LOG.warn("bridge socket closed: its client stopped reading ({} bytes waiting)", writeQueueBytes);
      socket.close(1008, "slow consumer");
      WebSocketEdge.abort(socket.routingContext().request().connection());
    }
  }

  /** Forgets a socket and stops the turns it started; false if it was already forgotten. */
  private boolean forget(SockJSSocket socket) {
    BridgeConnection connection = sockets.remove(socket);
    if (connection == null) {
      return false;
    }
    byId.remove(connection.id);
    connection.unregisterAll();
    shared.bridgeSockets.decrementAndGet();
    vertx.eventBus().publish(SessionAddresses.CONNECTION_CLOSED, new ConnectionClosed(connection.id));
    return true;
  }

  /** Authorises a frame once every earlier frame of its socket has been. */
  private void inOrder(BridgeEvent ev) {
    BridgeConnection c = sockets.get(ev.socket());
    if (c == null) {
      authorize(ev);
      return;
    }
    Promise<Void> done = Promise.promise();
    Future<Void> before = c.tail;
    c.tail = done.future();
    before.onComplete(x -> {
      ev.future().onComplete(y -> done.complete());
      try {
        authorize(ev);
      } catch (RuntimeException e) {
        LOG.warn("bridge frame refused: {}", e.toString());
        deny(ev, ev.getRawMessage(), ErrorCode.ACCESS_DENIED, "The frame could not be read.");
      }
    });
  }

  private String connectionId(SockJSSocket socket) {
    BridgeConnection c = sockets.get(socket);
    return c == null ? "ws-unknown" : c.id;
  }

  private void authorize(BridgeEvent ev) {
    JsonObject raw = ev.getRawMessage();
    String address = raw.getString("address", "");
    JsonObject headers = raw.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    Object auth = headers.getValue("Authorization");
    String token = auth instanceof String s && s.startsWith("Bearer ") ? s.substring(7).trim() : null;
    BridgeConnection connection = sockets.get(ev.socket());
    Future<Identity> verified = connection != null ? connection.identity(tokens, token) : tokens.verify(token);
    verified.onComplete(ar -> {
      if (ar.failed()) {
        deny(ev, raw, ErrorCode.ACCESS_DENIED, ErrorCode.toAppException(ar.cause()).getMessage());
        return;
      }
      Identity id = ar.result();
      switch (ev.type()) {
        case REGISTER -> {
          boolean own = address.equals(ClientAddresses.user(id.tenantId(), id.userId()));
          boolean monitor = id.admin() && address.equals(ClientAddresses.monitor(id.tenantId()));
          boolean platform = address.equals(ClientAddresses.PLATFORM_MONITOR) && id.groups().contains(operatorGroup);
          if (!(own || monitor || platform)) {
            deny(ev, raw, ErrorCode.ACCESS_DENIED, "You may only listen on your own addresses.");
          } else if (room(ev, address)) {
            listen(ev, address);
          } else {
            refuseMore(ev, raw, "register on " + address);
          }
        }
        case SEND -> {
          String local = inbound.of(address);
          if (local != null) {
            JsonObject trusted = new JsonObject()
                .put(H_TENANT, id.tenantId()).put(H_USER, id.userId()).put(H_EMAIL, id.email()).put(H_TIER, id.tier())
                .put(H_ADMIN, String.valueOf(id.admin())).put(H_CONNECTION, connectionId(ev.socket()));
            String replyTo = raw.getString("replyAddress");
            if (replyTo != null && !room(ev, null)) {
              refuseMore(ev, raw, "send to " + address);
              return;
            }
            if (replyTo != null) {
              sockets.get(ev.socket()).awaiting();
            }
            raw.put("headers", trusted).put("address", local);
            ev.setRawMessage(raw);
            ev.complete(true);
          } else {
            deny(ev, raw, ErrorCode.ACCESS_DENIED, "This address does not accept messages from clients.");
          }
        }
        default -> deny(ev, raw, ErrorCode.ACCESS_DENIED, "Clients may not publish.");
      }
    });
  }

  /**
   * A registration the guard allowed: the socket's frames on {@code address} are written by the guard's own consumer
   * (the address was checked here once; each frame is encoded once for all the sockets that receive it, and none is
   * matched against the bridge's address patterns again). The bridge registers a placeholder of the connection's
   * instead, which counts against its handler limit and receives nothing.
   */
  private void listen(BridgeEvent ev, String address) {
    SockJSSocket socket = ev.socket();
    BridgeConnection c = sockets.get(socket);
    if (!c.isRegistered(address)) {
      c.registered(address, vertx.eventBus().consumer(address, m -> deliver(socket, address, m.body())));
    }
    ev.getRawMessage().put("address", held(c, address));
    ev.complete(true);
  }

  /** The placeholder of {@code address} that the bridge registers for the connection. */
  private static String held(BridgeConnection c, String address) {
    return BridgeInbound.HELD_PREFIX + c.id + "." + address;
  }

  /** Writes a frame published on an address the socket listens on, unless its client stopped reading. */
  private void deliver(SockJSSocket socket, String address, Object body) {
    if (!sockets.containsKey(socket)) {
      return;
    }
    if (socket.writeQueueFull()) {
      closeSlow(socket);
      return;
    }
    ClientFrame frame = body instanceof ClientFrame f ? f : body instanceof JsonObject j ? ClientFrame.of(j) : null;
    if (frame == null) {
      LOG.warn("frame on {} not sent: a {} is not a client frame", address, body == null ? "null" : body.getClass().getSimpleName());
      return;
    }
    socket.write(frame.envelope(address));
  }

  /** A request of the connection {@code connectionId} was answered (by {@link BridgeInbound}, with a reply or a refusal). */
  void answered(String connectionId) {
    BridgeConnection c = byId.get(connectionId);
    if (c != null) {
      c.answered();
    }
  }

  /** Whether the socket may hold one more handler (a registration of {@code registering}, or a reply when null). */
  private boolean room(BridgeEvent ev, String registering) {
    BridgeConnection c = sockets.get(ev.socket());
    return c == null || c.fits(maxHandlers, registering);
  }

  /** A frame past the socket's handlers, refused with an error frame addressed to it, so that the client knows which. */
  private void refuseMore(BridgeEvent ev, JsonObject raw, String what) {
    deny(ev, raw, ErrorCode.RATE_LIMITED, "this connection holds " + maxHandlers + " registrations and requests awaiting a reply; "
        + "wait for answers before asking more (refused: " + what + ").");
  }

  /** Writes the contract's error frame (to the reply address when there is one), then refuses the frame. */
  private void deny(BridgeEvent ev, JsonObject raw, ErrorCode code, String why) {
    String to = raw.getString("replyAddress", raw.getString("address"));
    JsonObject frame = new JsonObject().put("type", "err").put("address", to).put("failureCode", code.status())
        .put("failureType", "RECIPIENT_FAILURE").put("message", code.code() + ": " + why);
    try {
      ev.socket().write(Buffer.buffer(frame.encode()));
    } catch (RuntimeException e) {
      LOG.debug("could not write error frame: {}", e.toString());
    }
    ev.tryComplete(false);
  }

  /** The verified identity that {@link #authorize} put on a bridged message. */
  static Identity identity(MultiMap headers) {
    String tenant = headers.get(H_TENANT);
    String user = headers.get(H_USER);
    if (tenant == null || user == null) {
      throw new AppException(ErrorCode.ACCESS_DENIED, "The message carries no verified identity.");
    }
    boolean admin = Boolean.parseBoolean(headers.get(H_ADMIN));
    return new Identity(tenant, user, headers.get(H_EMAIL), headers.get(H_TIER), admin,
        admin ? List.of(Identity.adminGroup(tenant)) : List.of());
  }
}
