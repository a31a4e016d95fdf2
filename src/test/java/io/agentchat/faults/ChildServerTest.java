package io.agentchat.faults;

import io.agentchat.App;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.ServerProcess;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that stop or kill the server in a child JVM under load, then start it again in this JVM on the same
 * data (SQLite store) to check what it left behind.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
abstract class ChildServerTest {
  /** Sessions a user of the {@code load} tier may have open at once. */
  static final int SESSIONS = 50;

  @TempDir
  Path dir;
  /** The server in its child JVM, once started, and a client of its API. */
  ServerProcess server;
  Api api;
  private App restarted;

  /** The test configuration with a tier {@code load} that allows {@value #SESSIONS} sessions, replies paced at {@code chunkDelayMs}. */
  JsonObject config(long chunkDelayMs) {
    JsonObject c = TestApp.config(dir.resolve("data"));
    Path tiers = dir.resolve("tiers.json");
    try {
      Files.writeString(tiers, new JsonObject().put("load", new JsonObject().put("daily_messages", 1000).put("monthly_messages", 10_000)
          .put("concurrent_sessions", SESSIONS).put("weather", "none").put("admin_reports", false).put("session_minutes", 60)).encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.getJsonObject("tiers").put("file", tiers.toString());
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", chunkDelayMs);
    c.getJsonObject("http").put("maxHandlersPerSocket", 200);
    return c;
  }

  /**
   * Starts the server with {@code config} in its child JVM (from a worker thread) and signs up its one user there:
   * {@code ada@acme.test}, admin of {@code acme} on the {@code load} tier.
   */
  Future<User> startServer(Vertx vertx, JsonObject config) {
    return vertx.executeBlocking(() -> ServerProcess.start(config, dir.resolve("conf.json"))).compose(s -> {
      server = s;
      api = new Api(vertx, s.port());
      return api.signupAndLogin("ada@acme.test", "acme", "load", null);
    });
  }

  /** Starts the application again, in this JVM, on the data the child left. */
  Future<App> restart(Vertx vertx, JsonObject config) {
    return TestApp.start(vertx, config).map(a -> {
      restarted = a;
      return a;
    });
  }

  @AfterEach
  void cleanUp(VertxTestContext ctx) {
    if (api != null) {
      api.close();
    }
    if (server != null) {
      server.close();
    }
    (restarted == null ? Future.<Void>succeededFuture() : restarted.stop()).onComplete(ctx.succeedingThenComplete());
  }
}
