package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-address limits on authentication attempts and per-user limits on turns (OWASP API4). */
class RateLimitTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("http").put("authAttemptsPerMinute", 12).put("turnsPerUserPerMinute", 3).put("turnsPerTenantPerMinute", 1000);
    return c;
  }

  @Test
  void credentialStuffingIsSlowedDownPerAddress(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(api.post("/api/auth/login", new JsonObject().put("email", "victim" + i + "@acme.test").put("password", "guess-" + i)));
    }
    Future.all(attempts).map(cf -> {
      long refused = attempts.stream().filter(f -> f.result().statusCode() == 429).count();
      long wrong = attempts.stream().filter(f -> f.result().statusCode() == 401).count();
      assertEquals(12, wrong, "the first attempts are answered");
      assertEquals(8, refused, "the rest are refused");
      HttpResponse<Buffer> r = attempts.stream().map(Future::result).filter(x -> x.statusCode() == 429).findFirst().orElseThrow();
      assertEquals("rate_limited", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
      assertNotNull(r.getHeader("Retry-After"));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void turnsArePacedPerUserOverHttpAndTheBridge(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> {
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < 3; i++) {
        chain = chain.compose(v -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hi")).map(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return null;
        }));
      }
      return chain.compose(v -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "one too many"))).compose(r -> {
        assertEquals(429, r.statusCode());
        assertEquals("rate_limited", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
        return BridgeClient.connect(vertx, app.httpPort());
      }).compose(b -> b.request("chat.send", u.idToken(), new JsonObject().put("message", "and another")).transform(ar -> {
        assertEquals("rate_limited", ((BridgeClient.BridgeError) ar.cause()).code());
        return api.usage(u);
      }).map(usage -> {
        assertEquals(3, usage.getInteger("daily_used"), "refused turns are not charged");
        return b;
      }).compose(BridgeClient::close));
    }).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The gateway runs once per core and hands sockets to its instances in turn: the limit is one for the user, however their
   * sockets are spread (with a limit per instance, four sockets over two instances would pass six turns).
   */
  @Test
  void turnsArePacedPerUserAcrossTheSocketsOfEveryGatewayInstance(VertxTestContext ctx) {
    api.signupAndLogin("bea@acme.test", "acme", "premium", null).compose(u -> {
      List<Future<BridgeClient>> sockets = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sockets.add(BridgeClient.connect(vertx, app.httpPort()));
      }
      return Future.all(sockets).compose(all -> {
        List<Future<JsonObject>> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          sends.add(sockets.get(i % 4).result().request("chat.send", u.idToken(), new JsonObject().put("message", "hi " + i)));
        }
        return Future.join(sends).transform(ar -> {
          long accepted = sends.stream().filter(Future::succeeded).count();
          long limited = sends.stream().filter(f -> f.failed() && f.cause() instanceof BridgeClient.BridgeError e && "rate_limited".equals(e.code())).count();
          assertEquals(3, accepted, "three turns a minute for the user, over all four sockets");
          assertEquals(5, limited, "the others are refused as too quick");
          return Future.join(sockets.stream().map(f -> f.result().close()).toList()).mapEmpty();
        });
      });
    }).onComplete(ctx.succeedingThenComplete());
  }
}
