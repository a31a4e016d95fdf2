package io.agentchat.support;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/** A local HTTP server on its own Vert.x instance, standing in for an outside service for a whole test class. */
public final class StandInServer implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;

  private StandInServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Listens on a free port of 127.0.0.1 (blocking: for {@code @BeforeAll}). */
  public static StandInServer start(Handler<HttpServerRequest> handler) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new StandInServer(vertx, server);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
