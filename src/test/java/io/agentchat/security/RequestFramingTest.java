package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/**
 * Over a raw socket: a request with both Content-Length and Transfer-Encoding is refused and its connection closed, so a
 * request smuggled behind it is never served (RFC 9112 6.1); the cleartext HTTP/2 upgrade is not offered.
 */
class RequestFramingTest extends AppTest {

  /** Writes {@code bytes} on a new connection and completes with what was read once the server closes it or {@code enough} holds. */
  private Future<String> exchange(String bytes, java.util.function.Predicate<String> enough) {
    return vertx.createNetClient().connect(app.httpPort(), "127.0.0.1").compose(socket -> {
      Promise<String> all = Promise.promise();
      Buffer read = Buffer.buffer();
      socket.handler(b -> {
        read.appendBuffer(b);
        if (enough.test(read.toString()) && all.tryComplete(read.toString())) {
          socket.close();
        }
      });
      socket.closeHandler(v -> all.tryComplete(read.toString()));
      socket.write(bytes);
      return all.future();
    });
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed(VertxTestContext ctx) {
    String smuggled = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    exchange(smuggled, text -> false).map(answer -> {
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("invalid_request"), answer);
      assertFalse(answer.contains("\"status\":\"up\""), "the request behind it was not served: " + answer);
      assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, "one answer, then the connection closed: " + answer);
      return null;
    }).compose(v -> exchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", text -> text.contains("\"status\":\"up\"") || text.startsWith("HTTP/1.1 101")))
        .map(answer -> {
          assertFalse(answer.startsWith("HTTP/1.1 101"), "no switch to HTTP/2 over cleartext: " + answer);
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }
}
