package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A browser's bridge socket is accepted only from the server's own origin: the same scheme, host and port. Another port
 * or scheme on the same host is refused, also when the Host header names no port.
 */
class OriginCheckTest extends AppTest {

  /** Whether a socket opened with these headers is kept: a request over it is answered (else the server closes it). */
  private Future<Boolean> kept(String origin, String host) {
    return BridgeClient.connect(vertx, app.httpPort(), origin, host).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(false);
      }
      BridgeClient b = ar.result();
      Future<Boolean> answered = b.request("chat.cancel", "not-a-token", new JsonObject().put("turn_id", "t")).transform(r -> Future.succeededFuture(true));
      return Future.any(answered, b.closed().map(false)).map(cf -> answered.isComplete() && answered.result())
          .compose(keptOpen -> b.close().transform(x -> Future.succeededFuture(keptOpen)));
    });
  }

  @Test
  void onlyTheServersOwnOriginMayOpenASocket(VertxTestContext ctx) {
    int port = app.httpPort();
    Map<String, Boolean> cases = new LinkedHashMap<>();
    cases.put("http://127.0.0.1:" + port + " | 127.0.0.1:" + port, true);
    cases.put("http://127.0.0.1:" + (port + 1) + " | 127.0.0.1:" + port, false);
    cases.put("https://127.0.0.1:" + port + " | 127.0.0.1:" + port, false);
    cases.put("http://evil.example:" + port + " | 127.0.0.1:" + port, false);
    cases.put("http://127.0.0.1:9999 | 127.0.0.1", false);
    cases.put("https://127.0.0.1 | 127.0.0.1", false);
    List<String> wrong = new ArrayList<>();
    Future<Void> all = Future.succeededFuture();
    for (Map.Entry<String, Boolean> c : cases.entrySet()) {
      String[] parts = c.getKey().split(" \\| ");
      all = all.compose(v -> kept(parts[0], parts[1]).map(k -> {
        if (k != c.getValue()) {
          wrong.add("Origin " + parts[0] + ", Host " + parts[1] + ": " + (k ? "accepted" : "refused"));
        }
        return null;
      }));
    }
    all.map(v -> {
      assertEquals(List.of(), wrong);
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
