package io.agentchat.support;

import io.agentchat.App;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests against a real deployment of the whole application on a free port. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
public abstract class AppTest {
  @TempDir
  protected Path dataDir;
  protected App app;
  protected Api api;
  protected Vertx vertx;

  /** Override to change the configuration of the deployment under test. */
  protected JsonObject config(Path dir) {
    return TestApp.config(dir);
  }

  /** Override to give the deployment a clock of the test's own. */
  protected Clock clock() {
    return Clock.systemUTC();
  }

  @BeforeEach
  void startApp(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    TestApp.start(vertx, config(dataDir), clock()).onComplete(ctx.succeeding(a -> {
      app = a;
      api = new Api(vertx, a.httpPort());
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopApp(VertxTestContext ctx) {
    if (api != null) {
      api.close();
    }
    (app == null ? Future.<Void>succeededFuture() : app.stop()).onComplete(ctx.succeedingThenComplete());
  }

  /** A bridge connection of the user's, listening on the user's own address. */
  protected Future<BridgeClient> listen(Api.User u) {
    return listen(u, "client." + u.tenant() + "." + u.sub());
  }

  /** A bridge connection of the user's, registered on {@code address} with the user's token (the bridge may refuse it). */
  protected Future<BridgeClient> listen(Api.User u, String address) {
    return BridgeClient.connect(vertx, app.httpPort()).map(b -> {
      b.register(address, u.idToken());
      return b;
    });
  }

  /** Completes once no turn is left running or waiting in the store. */
  protected Future<Void> noTurnsLeft() {
    return Poll.until(vertx, () -> app.store().usage().runningTurns(), List::isEmpty).mapEmpty();
  }

  /** Restarts the application on the same data directory. */
  protected Future<App> restart() {
    api.close();
    return app.stop().compose(v -> TestApp.start(vertx, config(dataDir), clock())).map(a -> {
      app = a;
      api = new Api(vertx, a.httpPort());
      return a;
    });
  }
}
