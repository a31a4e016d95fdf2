package io.agentchat.bench;

import io.agentchat.support.Api;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * One user's bridge WebSocket (or a connection to the baseline, which answers the same frames): sends {@code chat.send}
 * frames one turn at a time and times the reply's chunk frames into {@link LoadStats}. A turn is complete when its chunk
 * frames came with {@code seq} 0, 1, 2... and their text is the whole reply: as long as the connection's first turn's (the
 * same message gets the same reply), in 1 to {@code expectedChunks} frames: the product puts several of the agent's chunks
 * in one frame when it is busy, the baseline always sends {@code expectedChunks}. All its state is touched only on its own event loop.
 */
final class ChatConnection {
  private static final AtomicLong REQUESTS = new AtomicLong();
  private static final String PING = "{\"type\":\"ping\"}";
  /** Done frames received by all connections of this JVM, in or out of a timed turn. */
  static final AtomicLong DONE = new AtomicLong();

  /** Who a connection speaks for: the tenant and user of the client address, and the ID token every frame carries. */
  record User(String tenant, String sub, String idToken) {
    String clientAddress() {
      return "client." + tenant + "." + sub;
    }
  }

  private final WebSocket ws;
  private final Context context;
  private final User user;
  private final String message;
  private final int expectedChunks;
  private LoadStats stats;
  private long pingTimer;
  private long intendedStart;
  private long lastChunk;
  private int chunks;
  /** Characters of the reply in this turn's chunk frames, and in a whole reply (-1 until the first turn ended). */
  private int chars;
  private int replyChars = -1;
  private boolean inTurn;
  private Runnable onTurnEnd;

  private ChatConnection(WebSocket ws, Context context, User user, String message, int expectedChunks) {
    this.ws = ws;
    this.context = context;
    this.user = user;
    this.message = message;
    this.expectedChunks = expectedChunks;
  }

  /** Connects, registers the user's client address (the baseline ignores it) and pings every 4 s as bridge clients must. */
  static Future<ChatConnection> open(Vertx vertx, WebSocketClient client, int port, User user, String message, int expectedChunks) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    return client.connect(o).map(ws -> {
      ChatConnection c = new ChatConnection(ws, vertx.getOrCreateContext(), user, message, expectedChunks);
      ws.binaryMessageHandler(c::onFrame);
      ws.textMessageHandler(t -> c.onFrame(Buffer.buffer(t)));
      ws.exceptionHandler(t -> c.fail("socket: " + t.getClass().getSimpleName()));
      ws.closeHandler(v -> {
        vertx.cancelTimer(c.pingTimer);
        c.fail("closed");
      });
      c.pingTimer = vertx.setPeriodic(4000, id -> ws.writeTextMessage(PING));
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", user.clientAddress())
          .put("headers", new JsonObject().put("Authorization", "Bearer " + user.idToken())).encode());
      return c;
    });
  }

  /** Signs up {@code tenants x perTenant} users (the first of each tenant creates it, the others join by invite). */
  static List<User> signUp(Api api, String prefix, int tenants, int perTenant) {
    List<Api.User> admins = Load.inParallel(IntStream.range(0, tenants).boxed().toList(), 128,
        t -> api.signupAndLogin(prefix + "-u0@t" + t + ".bench", prefix + "-t" + t, "premium", null), 600);
    List<int[]> joiners = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      for (int u = 1; u < perTenant; u++) {
        joiners.add(new int[] {t, u});
      }
    }
    List<Api.User> joined = Load.inParallel(joiners, 128,
        tu -> api.invite(admins.get(tu[0])).compose(code -> api.signupAndLogin(prefix + "-u" + tu[1] + "@t" + tu[0] + ".bench",
            prefix + "-t" + tu[0], "premium", code)), 900);
    List<User> users = new ArrayList<>();
    for (Api.User u : admins) {
      users.add(new User(u.tenant(), u.sub(), u.idToken()));
    }
    for (Api.User u : joined) {
      users.add(new User(u.tenant(), u.sub(), u.idToken()));
    }
    return users;
  }

  /** A connection for each user, 64 opening at a time. */
  static List<ChatConnection> openAll(Vertx vertx, WebSocketClient client, int port, List<User> users, String message) {
    return Load.inParallel(users, 64, u -> open(vertx, client, port, u, message, ChatBenchmark.CHUNKS), 600);
  }

  static Future<Void> closeAll(List<ChatConnection> conns) {
    return Future.join(conns.stream().map(ChatConnection::close).toList()).mapEmpty();
  }

  User user() {
    return user;
  }

  boolean isClosed() {
    return ws.isClosed();
  }

  /** Starts a turn on this connection's event loop; {@code intendedStart} (nanoTime) is when the schedule wanted it. */
  void startTurn(LoadStats stats, long intendedStart, Runnable onTurnEnd) {
    context.runOnContext(v -> {
      this.stats = stats;
      this.intendedStart = intendedStart;
      this.onTurnEnd = onTurnEnd;
      this.chunks = 0;
      this.chars = 0;
      this.inTurn = true;
      if (ws.isClosed()) {
        end("closed");
        return;
      }
      ws.writeTextMessage(sendFrame(message));
    });
  }

  /** Sends {@code turns} chat messages at once without timing them (the session queues them and runs them in order). */
  void fire(int turns, String text) {
    context.runOnContext(v -> {
      for (int i = 0; i < turns; i++) {
        ws.writeTextMessage(sendFrame(text));
      }
    });
  }

  private String sendFrame(String text) {
    return new JsonObject().put("type", "send").put("address", "chat.send")
        .put("headers", new JsonObject().put("Authorization", "Bearer " + user.idToken()))
        .put("body", new JsonObject().put("message", text).put("request_id", "bench-" + REQUESTS.incrementAndGet()))
        .put("replyAddress", "reply").encode();
  }

  private void onFrame(Buffer buf) {
    long now = System.nanoTime();
    JsonObject f = new JsonObject(buf);
    JsonObject body = f.getValue("body") instanceof JsonObject b ? b : null;
    String type = body == null ? null : body.getString("type");
    if ("done".equals(type)) {
      DONE.incrementAndGet();
    }
    if (!inTurn) {
      return;
    }
    if ("err".equals(f.getString("type"))) {
      fail(f.getString("message", "err"));
      return;
    }
    if (type == null) {
      return;
    }
    switch (type) {
      case "chunk" -> {
        if (body.getInteger("seq", -1) != chunks) {
          end("seq " + body.getValue("seq") + " where " + chunks + " was due");
          return;
        }
        chars += body.getString("text", "").length();
        if (chunks == 0) {
          stats.firstChunk(TimeUnit.NANOSECONDS.toMicros(now - intendedStart));
        } else {
          stats.interChunk(TimeUnit.NANOSECONDS.toMicros(now - lastChunk));
        }
        lastChunk = now;
        chunks++;
      }
      case "done" -> {
        if (chunks == 0 || chunks > expectedChunks) {
          end("chunk frames: " + chunks + " (1 to " + expectedChunks + " expected)");
        } else if (replyChars >= 0 && chars != replyChars) {
          end("reply of " + chars + " characters where " + replyChars + " were due");
        } else {
          replyChars = chars;
          end(null);
        }
      }
      case "error" -> fail(body.getString("code", "error"));
      default -> {
        // quota and trace frames: not timed
      }
    }
  }

  private void fail(String why) {
    if (inTurn) {
      end(why);
    }
  }

  private void end(String error) {
    inTurn = false;
    stats.turnEnded(error, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - intendedStart));
    Runnable r = onTurnEnd;
    onTurnEnd = null;
    if (r != null) {
      r.run();
    }
  }

  /** Stops reading: the server's frames back up in the socket (a slow reader). */
  void pause() {
    context.runOnContext(v -> ws.pause());
  }

  void resume() {
    context.runOnContext(v -> ws.resume());
  }

  Future<Void> close() {
    Vertx vertx = context.owner();
    vertx.cancelTimer(pingTimer);
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
