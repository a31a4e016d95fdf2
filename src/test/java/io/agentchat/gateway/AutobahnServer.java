package io.agentchat.gateway;


import io.agentchat.config.ConfigLoader;
import io.agentchat.config.ConfigReader;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;

/**
 * The WebSocket echo server that the Autobahn TestSuite's fuzzing client tests ({@code mvn -B verify -Pautobahn}): the
 * gateway's own server options and frame checks ({@link WebSocketEdge}) with its default configuration, and the same
 * message handlers the bridge's WebSocket transport uses (whole text and binary messages), echoing each message back.
 * The plugin calls {@code main} with the port.
 */
public final class AutobahnServer {
  private AutobahnServer() {
  }

  public static void main(String[] args) {
    HttpConfig http = HttpConfig.from(new ConfigReader(ConfigLoader.defaults().getJsonObject("http").put("port", Integer.parseInt(args[0])), "http"));
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/*").handler(ctx -> WebSocketEdge.guardUpgrade(ctx, http.maxFrameBytes()))
        .handler(ctx -> ctx.request().toWebSocket().onSuccess(AutobahnServer::echo).onFailure(ctx::fail));
    vertx.createHttpServer(WebSocketEdge.serverOptions(http)).requestHandler(router).listen().await();
  }

  private static void echo(ServerWebSocket ws) {
    ws.textMessageHandler(ws::writeTextMessage);
    ws.binaryMessageHandler(ws::writeBinaryMessage);
  }
}
