package io.agentchat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * The bridge's own WebSocket endpoint against malformed and unusual frames (the Autobahn profile covers the protocol at
 * large on the same server configuration, see {@link AutobahnServer}).
 */
class WebSocketFramesTest extends AppTest {

  private Future<WebSocket> connect() {
    return vertx.createWebSocketClient(new WebSocketClientOptions())
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.httpPort()).setURI("/eventbus/websocket"));
  }

  @Test
  void invalidUtf8InATextFrameClosesTheBridgeSocketWith1007(VertxTestContext ctx) {
    connect().compose(ws -> {
      Promise<Short> closed = Promise.promise();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      // "{"type":"ping"}" with a lone continuation byte and a 0xF4 0x90 (beyond U+10FFFF) inside
      byte[] bad = {'{', '"', 't', '"', ':', '"', (byte) 0x80, (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'};
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, Unpooled.wrappedBuffer(bad), true));
      return closed.future();
    }).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertEquals((short) 1007, code, "invalid UTF-8 is refused with 1007 (invalid frame payload data)");
      ctx.completeNow();
    })));
  }

  @Test
  void aMessageWhoseFirstFragmentIsEmptyIsStillHandled(VertxTestContext ctx) {
    connect().compose(ws -> {
      Promise<JsonObject> reply = Promise.promise();
      ws.binaryMessageHandler(b -> reply.tryComplete(b.toJsonObject()));
      ws.textMessageHandler(t -> reply.tryComplete(new JsonObject(t)));
      String send = new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r-1")
          .put("body", new JsonObject().put("message", "hello")).encode();
      ws.writeFrame(WebSocketFrame.textFrame("", false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(send.substring(0, 10)), false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(send.substring(10)), true));
      return reply.future();
    }).onComplete(ctx.succeeding(frame -> ctx.verify(() -> {
      // the bridge read the whole message: a send without a token is refused with the contract's error frame
      assertEquals("err", frame.getString("type"), frame.encode());
      assertEquals("r-1", frame.getString("address"));
      ctx.completeNow();
    })));
  }

  @Test
  void aMessageOverTheSizeLimitClosesWith1009(VertxTestContext ctx) {
    connect().compose(ws -> {
      Promise<Short> closed = Promise.promise();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      String chunk = "x".repeat(40_000);
      ws.writeFrame(WebSocketFrame.textFrame(chunk, false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(chunk), true));
      return closed.future();
    }).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertEquals((short) 1009, code, "80 KB in fragments is over the 64 KB message limit");
      ctx.completeNow();
    })));
  }
}
