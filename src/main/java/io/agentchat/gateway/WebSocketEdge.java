package io.agentchat.gateway;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.RoutingContext;

/**
 * The WebSocket side of the gateway's HTTP server, in one place for the gateway and for the Autobahn conformance run
 * ({@code mvn -Pautobahn verify}), so that what is tested is what serves the bridge.
 *
 * <p>Vert.x 5.0.7 alone accepts invalid UTF-8 in text messages and drops a message whose first fragment is empty. Before
 * the upgrade, {@link #guardUpgrade} therefore puts two Netty handlers in front of Vert.x on the connection: a UTF-8
 * validator (an invalid text frame closes the connection with 1007 at the first bad byte) and an aggregator that hands
 * Vert.x whole messages (a message over the size limit closes with 1009). Compression extensions are not offered.
 */
public final class WebSocketEdge {
  private static final String VALIDATOR = "agentchat-ws-utf8";
  private static final String AGGREGATOR = "agentchat-ws-aggregator";

  private WebSocketEdge() {
  }

  /** The HTTP server options of the gateway. */
  public static HttpServerOptions serverOptions(HttpConfig http) {
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        // room for an oversized token to be read and refused with 401 instead of a dropped connection
        .setMaxHeaderSize(32 * 1024)
        .setMaxWebSocketFrameSize(http.maxFrameBytes())
        .setMaxWebSocketMessageSize(http.maxFrameBytes())
        // neither extension is negotiated: a frame with a reserved bit set is a protocol error
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // the cleartext HTTP/2 upgrade only where it is asked for (behind a proxy that speaks h2c to its backends)
        .setHttp2ClearTextEnabled(http.h2c())
        // every request and response of a connection is handled on the event loop that accepted it (the gateway's
        // handlers, timers and event-bus consumers all run there), so its writes need no cross-thread queue: without
        // this each connection holds an empty 4 KB queue buffer, a fifth of an idle bridge connection's heap
        .setStrictThreadMode(true);
  }

  /** A route handler in front of every WebSocket upgrade: installs the frame checks, then passes the request on. */
  public static void guardUpgrade(RoutingContext ctx, int maxMessageBytes) {
    guardUpgrade(ctx.request(), maxMessageBytes);
    ctx.next();
  }

  /** Installs the frame checks on the connection of an upgrade request (on its event loop, before the handshake). */
  public static void guardUpgrade(HttpServerRequest req, int maxMessageBytes) {
    if (req.version() == HttpVersion.HTTP_2 || !req.canUpgradeToWebSocket()
        || !(req.connection() instanceof ConnectionBase conn)) {
      return;
    }
    ChannelPipeline pipeline = conn.channelHandlerContext().pipeline();
    ChannelHandlerContext vertx = pipeline.context(VertxHandler.class);
    if (vertx == null || pipeline.get(VALIDATOR) != null) {
      return;
    }
    // the handshake inserts the frame decoder right after the HTTP codec, so these end up between it and Vert.x;
    // HTTP messages pass through them untouched
    pipeline.addBefore(vertx.name(), VALIDATOR, new Utf8FrameValidator(true));
    pipeline.addBefore(vertx.name(), AGGREGATOR, new BoundedAggregator(maxMessageBytes));
  }

  /** Cuts a connection at once, whatever is still queued for it (a close handshake cannot pass a full write queue). */
  static void abort(HttpConnection connection) {
    if (connection instanceof ConnectionBase conn) {
      // from the head of the pipeline: past Vert.x's handler, which would turn the close into a close handshake
      ChannelHandlerContext first = conn.channel().pipeline().firstContext();
      if (first != null) {
        first.close();
      } else {
        conn.channel().close();
      }
    }
  }

  /** Whole messages for Vert.x; a message over the limit closes the connection with 1009 (message too big). */
  private static final class BoundedAggregator extends WebSocketFrameAggregator {
    BoundedAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, WebSocketFrame oversized) {
      // the aggregator releases the frame itself
      if (ctx.channel().isOpen()) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG)).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
