package io.agentchat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** A client of the event-bus bridge over its raw WebSocket transport, speaking the bridge's JSON frames (and pinging). */
public final class BridgeClient {
  private final Vertx vertx;
  private final WebSocketClient client;
  private WebSocket ws;
  private long pingTimer;
  private final List<JsonObject> frames = new ArrayList<>();
  private final Map<String, Promise<JsonObject>> replies = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();

  private record Waiter(Predicate<List<JsonObject>> condition, Promise<List<JsonObject>> promise) {
  }

  private BridgeClient(Vertx vertx, WebSocketClientOptions options) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient(options);
  }

  public static Future<BridgeClient> connect(Vertx vertx, int port) {
    return connect(vertx, port, null);
  }

  public static Future<BridgeClient> connect(Vertx vertx, int port, String origin) {
    return connect(vertx, port, origin, new WebSocketClientOptions());
  }

  /** As a browser on a page of {@code origin} would, asking for the server as {@code host} (its Host header). */
  public static Future<BridgeClient> connect(Vertx vertx, int port, String origin, String host) {
    return connect(vertx, port, origin, host, new WebSocketClientOptions());
  }

  /** With a small TCP receive buffer: together with {@link #stopReading()}, a client whose window closes quickly. */
  public static Future<BridgeClient> connectWithReceiveBuffer(Vertx vertx, int port, int bytes) {
    return connect(vertx, port, null, new WebSocketClientOptions().setReceiveBufferSize(bytes));
  }

  private static Future<BridgeClient> connect(Vertx vertx, int port, String origin, WebSocketClientOptions options) {
    return connect(vertx, port, origin, null, options);
  }

  private static Future<BridgeClient> connect(Vertx vertx, int port, String origin, String host, WebSocketClientOptions options) {
    BridgeClient b = new BridgeClient(vertx, options);
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    if (origin != null) {
      o.addHeader("Origin", origin);
    }
    if (host != null) {
      o.addHeader("Host", host);
    }
    return b.client.connect(o).map(ws -> {
      b.ws = ws;
      ws.textMessageHandler(b::onFrame);
      ws.binaryMessageHandler(buf -> b.onFrame(buf.toString()));
      ws.closeHandler(v -> {
        vertx.cancelTimer(b.pingTimer);
        b.closed.tryComplete();
      });
      b.pingTimer = vertx.setPeriodic(2000, id -> ws.writeTextMessage("{\"type\":\"ping\"}"));
      return b;
    });
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    String address = f.getString("address");
    Promise<JsonObject> reply = address == null ? null : replies.remove(address);
    if (reply != null) {
      if ("err".equals(f.getString("type"))) {
        reply.fail(new BridgeError(f));
      } else {
        reply.complete(f.getJsonObject("body"));
      }
      return;
    }
    frames.add(f);
    for (Waiter w : new ArrayList<>(waiters)) {
      if (w.condition().test(frames)) {
        waiters.remove(w);
        w.promise().complete(new ArrayList<>(frames));
      }
    }
  }

  /** A failure reply or a refused frame: the bridge's err frame. */
  public static final class BridgeError extends RuntimeException {
    public final JsonObject frame;

    BridgeError(JsonObject frame) {
      super(frame.getString("message"));
      this.frame = frame;
    }

    /** The product error code at the start of the message ({@code "<code>: <text>"}). */
    public String code() {
      String m = frame.getString("message", "");
      int i = m.indexOf(": ");
      return i > 0 ? m.substring(0, i) : m;
    }
  }

  public void register(String address, String token) {
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address)
        .put("headers", new JsonObject().put("Authorization", "Bearer " + token)).encode());
  }

  /** Sends with a reply address; completes with the reply body or fails with a {@link BridgeError}. */
  public Future<JsonObject> request(String address, String token, JsonObject body) {
    return request(address, new JsonObject().put("Authorization", "Bearer " + token), body);
  }

  public Future<JsonObject> request(String address, JsonObject headers, JsonObject body) {
    String reply = UUID.randomUUID().toString();
    Promise<JsonObject> p = Promise.promise();
    replies.put(reply, p);
    ws.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("headers", headers).put("body", body)
        .put("replyAddress", reply).encode());
    return p.future();
  }

  /** Stops the pings: with {@link #stopReading()}, a connection whose other end went away without closing it. */
  public void stopPinging() {
    vertx.cancelTimer(pingTimer);
  }

  /** Stops reading from the connection (it keeps writing, pings included): a client that no longer takes its frames. */
  public void stopReading() {
    ws.pause();
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  /** Completes with all frames received so far once the condition holds over them. */
  public Future<List<JsonObject>> await(Predicate<List<JsonObject>> condition) {
    if (condition.test(frames)) {
      return Future.succeededFuture(new ArrayList<>(frames));
    }
    Promise<List<JsonObject>> p = Promise.promise();
    waiters.add(new Waiter(condition, p));
    return p.future();
  }

  /** Bodies of messages received on an address, in order. */
  public static List<JsonObject> bodies(List<JsonObject> frames, String type) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f : frames) {
      JsonObject b = f.getValue("body") instanceof JsonObject o ? o : null;
      if ("rec".equals(f.getString("type")) && b != null && type.equals(b.getString("type"))) {
        out.add(b);
      }
    }
    return out;
  }

  public static Predicate<List<JsonObject>> has(String type, Predicate<JsonObject> p) {
    return fs -> bodies(fs, type).stream().anyMatch(p);
  }

  public List<JsonObject> frames() {
    return new ArrayList<>(frames);
  }

  public Future<Void> close() {
    vertx.cancelTimer(pingTimer);
    if (ws != null && !ws.isClosed()) {
      ws.close();
    }
    return closed.future().eventually(() -> client.close());
  }

  public Future<Void> closed() {
    return closed.future();
  }
}
