package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Raw sockets that hold the server without using it are closed: one that sends nothing, one that sends half a request
 * line, one whose body stops after a byte, one idle after its answer; and one client address holds at most
 * {@code http.maxConnectionsPerAddress} connections (here 5, with header and body timeouts of 1 s so that the test is quick,
 * and a keep-alive time of 3 s, long enough for five answered connections to be held while a sixth is refused).
 */
class SlowConnectionsTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("http").put("headerTimeoutSeconds", 1).put("bodyTimeoutSeconds", 1).put("keepAliveTimeoutSeconds", 3)
        .put("maxConnectionsPerAddress", 5);
    return c;
  }

  /** Connects, writes {@code bytes}, and completes with what was read once the server closed the connection. */
  private Future<String> heldUntilClosed(NetClient client, String bytes) {
    return client.connect(app.httpPort(), "127.0.0.1").compose(socket -> closed(socket, bytes));
  }

  private static Future<String> closed(NetSocket socket, String bytes) {
    Promise<String> p = Promise.promise();
    StringBuilder read = new StringBuilder();
    socket.handler(b -> read.append(b.toString()));
    socket.closeHandler(v -> p.tryComplete(read.toString()));
    if (!bytes.isEmpty()) {
      socket.write(bytes);
    }
    return p.future();
  }

  /** Asks once on the connection and completes, with the connection, when the answer begins. */
  private static Future<NetSocket> answeredOnce(NetSocket socket) {
    Promise<NetSocket> p = Promise.promise();
    socket.handler(b -> p.tryComplete(socket));
    socket.closeHandler(v -> p.tryFail("closed before an answer"));
    socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    return p.future();
  }

  /**
   * Completes once the server counts no open connection: a client sees a connection closed before the event loop that
   * held it has counted it closed.
   */
  private Future<Void> noneOpen() {
    return Poll.until(vertx, () -> app.services().meters().get("agentchat.http.connections.open").gauge().value() == 0);
  }

  @Test
  void connectionsThatStallAreClosedAndOneAddressHoldsALimitedNumber(VertxTestContext ctx) {
    NetClient client = vertx.createNetClient();
    Future<String> silent = heldUntilClosed(client, "");
    Future<String> halfLine = heldUntilClosed(client, "GET /hea");
    Future<String> stalledBody = heldUntilClosed(client,
        "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    Future<String> idle = heldUntilClosed(client, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    Future.all(silent, halfLine, stalledBody, idle).compose(v -> noneOpen()).compose(v -> {
      assertTrue(idle.result().contains("\"status\":\"up\""), "the idle one was answered, then closed: " + idle.result());
      assertEquals("", silent.result());
      // five held connections are the most one address may have: a sixth is closed at once, before it can ask anything.
      // Each of the five is answered once first, so the server has counted it (the gateway's instances take connections
      // on several event loops), and is then held within its keep-alive time
      List<Future<NetSocket>> held = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        held.add(client.connect(app.httpPort(), "127.0.0.1").compose(SlowConnectionsTest::answeredOnce));
      }
      return Future.all(held).compose(hs -> heldUntilClosed(client, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
          .map(sixth -> {
            assertEquals("", sixth, "the sixth connection of the address got no answer");
            return null;
          })
          .compose(x -> Future.join(held.stream().map(f -> closed(f.result(), "")).toList()))
          .compose(x -> noneOpen())
          .compose(x -> heldUntilClosed(client, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
          .map(after -> {
            assertTrue(after.contains("\"status\":\"up\""), "once they are closed the address is served again: " + after);
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }
}
