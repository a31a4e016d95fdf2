package io.agentchat.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ceiling: a bare Vert.x WebSocket server that answers every {@code send} frame with a reply frame, the same chunk
 * frames the bridge sends for a turn and a done frame, all prepared once, and does no other work. Run in a JVM of its
 * own, like the product server, so both are driven by the same generator on equal terms.
 */
public final class BaselineServer {
  private static final Logger LOG = LoggerFactory.getLogger("baseline");

  private BaselineServer() {
  }

  /** The frames of one turn as the bridge shapes them: binary messages of UTF-8 JSON {@code rec} frames. */
  static List<Buffer> turnFrames(int chunks) {
    List<Buffer> frames = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      frames.add(frame(new JsonObject().put("type", "chunk").put("session_id", "s-baseline").put("turn_id", "t-baseline").put("seq", i)
          .put("text", "word ")));
    }
    frames.add(frame(new JsonObject().put("type", "done").put("session_id", "s-baseline").put("turn_id", "t-baseline")
        .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", chunks).put("estimated", true)).put("cost_usd", 0.0)));
    return frames;
  }

  private static Buffer frame(JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", "client.baseline.user").put("body", body).toBuffer();
  }

  public static void main(String[] args) {
    int chunks = Integer.parseInt(System.getenv().getOrDefault("BASELINE_CHUNKS", "50"));
    List<Buffer> frames = turnFrames(chunks);
    Buffer accepted = new JsonObject().put("type", "rec").put("address", "reply")
        .put("body", new JsonObject().put("accepted", true).put("turn_id", "t-baseline").put("session_id", "s-baseline")).toBuffer();
    int port = io.agentchat.support.Ports.free();
    // one server instance per core, sharing the port: the ceiling may use the whole machine
    int instances = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                    .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
                .webSocketHandler(ws -> onSocket(ws, accepted, frames))
                .listen();
          }
        }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> LOG.info("listening on http://127.0.0.1:{} ({} instances)", port, instances))
        .onFailure(t -> {
          LOG.error("baseline did not start: {}", t.toString());
          System.exit(1);
        });
  }

  private static void onSocket(ServerWebSocket ws, Buffer accepted, List<Buffer> frames) {
    ws.textMessageHandler(text -> {
      if (text.contains("\"send\"")) {
        ws.writeBinaryMessage(accepted);
        for (Buffer f : frames) {
          ws.writeBinaryMessage(f);
        }
      }
    });
  }
}
