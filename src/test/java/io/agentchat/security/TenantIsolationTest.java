package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.App;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken object level authorization (OWASP API1), tried on every route of the contract and every bridge address: an
 * admin of tenant {@code acme} names tenant {@code globex}'s tenant, user, session and turn in the path, the body, the
 * query and an {@code X-Tenant-ID} header (and in frame fields and headers on the bridge). Each attempt is answered 404
 * or refused, or, where the route is about the caller's own tenant, with the caller's own data only; nothing of globex
 * ever appears; globex's usage, sessions and budgets are unchanged at the end, and acme's chats are charged to acme.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TenantIsolationTest {
  private static final String MARKER = "zanzibar-ledger-7";
  private Path dir;
  private App app;
  private Api api;
  private User attacker;
  private User victim;
  private User colleague;
  private String victimSession;
  private String victimTurn;
  /** The victim's API key: its id, and the key itself. */
  private String victimKeyId;
  private String victimKey;
  private JsonObject victimUsageBefore;

  /** One attempt: method, path (placeholders {victim}, {own}, {vuser}, {vsession}, {vturn}), body, acceptable statuses. */
  record Attempt(String name, HttpMethod method, String path, JsonObject body, Set<Integer> statuses) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Attempt get(String path, Integer... statuses) {
    return new Attempt("GET " + path, HttpMethod.GET, path, null, Set.of(statuses));
  }

  private static Attempt send(HttpMethod m, String path, JsonObject body, Integer... statuses) {
    return new Attempt(m + " " + path + " " + body.encode(), m, path, body, Set.of(statuses));
  }

  static Stream<Attempt> attempts() {
    JsonObject hostile = new JsonObject().put("tenant_id", "{victim}").put("custom:tenant_id", "{victim}");
    return Stream.of(
        get("/api/tenants/{victim}/sessions", 404),
        get("/api/tenants/{victim}/sessions/{vsession}/messages", 404),
        get("/api/tenants/{own}/sessions/{vsession}/messages", 404),
        get("/api/tenants/{victim}/usage", 404),
        get("/api/tenants/{victim}/subscription", 404),
        get("/api/tenants/{victim}/turns/{vturn}/trace", 404),
        get("/api/tenants/{own}/turns/{vturn}/trace", 404),
        get("/api/tenants/{victim}/costs", 404),
        get("/api/tenants/{victim}/users/{vuser}/costs", 404),
        get("/api/tenants/{own}/users/{vuser}/costs", 200, 404),
        get("/api/admin/tenants/{victim}/overall-cost", 404),
        get("/api/admin/tenants/{victim}/per-user-cost", 404),
        get("/api/admin/tenants/{victim}/service-wise-cost", 404),
        get("/api/admin/tenants/{victim}/users/{vuser}/service-cost", 404),
        get("/api/admin/tenants/{own}/users/{vuser}/service-cost", 200, 404),
        get("/api/admin/tenants/{victim}/comprehensive-report", 404),
        get("/api/admin/tenants/{victim}/members", 404),
        get("/api/admin/tenants/{victim}/budgets", 404),
        get("/api/admin/my-tenants", 200),
        get("/api/auth/profile", 200),
        send(HttpMethod.PUT, "/api/auth/profile", hostile.copy().put("display_name", "Mallory"), 400),
        send(HttpMethod.PUT, "/api/auth/profile", new JsonObject().put("display_name", "Mallory").put("user_id", "{vuser}"), 400),
        send(HttpMethod.PUT, "/api/auth/profile", new JsonObject().put("display_name", "Mallory"), 200),
        get("/api/tenants/{own}/usage", 200),
        get("/api/tenants/{own}/sessions", 200),
        get("/api/tenants/{victim}/sessions/search?q=numbers", 404),
        get("/api/tenants/{own}/sessions/search?q=numbers", 200),
        send(HttpMethod.PATCH, "/api/tenants/{victim}/sessions/{vsession}", new JsonObject().put("title", "taken"), 404),
        send(HttpMethod.PATCH, "/api/tenants/{own}/sessions/{vsession}", new JsonObject().put("title", "taken"), 404),
        send(HttpMethod.POST, "/api/tenants/{victim}/sessions/{vsession}/close", new JsonObject(), 404),
        send(HttpMethod.POST, "/api/tenants/{own}/sessions/{vsession}/close", new JsonObject(), 404),
        send(HttpMethod.DELETE, "/api/tenants/{victim}/sessions/{vsession}", new JsonObject(), 404),
        send(HttpMethod.DELETE, "/api/tenants/{own}/sessions/{vsession}", new JsonObject(), 404),
        send(HttpMethod.POST, "/api/chat", new JsonObject().put("session_id", "{vsession}").put("message", "again").put("replaces_turn_id", "{vturn}"), 404),
        get("/api/admin/tenants/{own}/comprehensive-report", 200),
        get("/api/admin/tenants/{own}/members", 200),
        send(HttpMethod.PUT, "/api/admin/tenants/{victim}/budgets", new JsonObject().put("monthly_usd", 0), 404),
        send(HttpMethod.PUT, "/api/admin/tenants/{own}/budgets", new JsonObject().put("monthly_usd", 0).put("user_id", "{vuser}"), 404),
        send(HttpMethod.POST, "/api/admin/add-to-group", new JsonObject().put("user_id", "{vuser}").put("group", "{victim}-admins"), 404),
        send(HttpMethod.POST, "/api/admin/add-to-group", new JsonObject().put("user_id", "{vuser}"), 404),
        send(HttpMethod.POST, "/api/admin/add-to-group", new JsonObject().put("email", "vera@globex.test"), 404),
        send(HttpMethod.POST, "/api/chat", hostile.copy().put("session_id", "{vsession}").put("message", "hello"), 404),
        send(HttpMethod.POST, "/api/chat", hostile.copy().put("message", "charged to whom?").put("user_id", "{vuser}"), 200),
        send(HttpMethod.POST, "/api/sessions", hostile.copy(), 201),
        send(HttpMethod.POST, "/api/admin/invites", hostile.copy(), 201),
        get("/api/admin/tenants/{victim}/api-keys", 404),
        get("/api/admin/tenants/{own}/api-keys", 200),
        get("/api/admin/tenants/{victim}/per-key-cost", 404),
        get("/api/admin/tenants/{own}/per-key-cost", 200),
        send(HttpMethod.POST, "/api/admin/tenants/{victim}/api-keys", new JsonObject().put("name", "x").put("user_id", "{vuser}"), 404),
        send(HttpMethod.POST, "/api/admin/tenants/{own}/api-keys", new JsonObject().put("name", "x").put("user_id", "{vuser}"), 404),
        send(HttpMethod.DELETE, "/api/admin/tenants/{victim}/api-keys/{vkey}", new JsonObject(), 404),
        send(HttpMethod.DELETE, "/api/admin/tenants/{own}/api-keys/{vkey}", new JsonObject(), 404),
        send(HttpMethod.POST, "/v1/chat/completions", new JsonObject().put("messages", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "hi"))), 401),
        get("/v1/models", 401),
        get("/api/admin/tenants/{victim}/audit", 404),
        get("/api/admin/tenants/{victim}/invites", 404),
        get("/api/operator/tenants", 403),
        send(HttpMethod.PUT, "/api/operator/tenants/{victim}/plan", new JsonObject().put("subscription_tier", "basic"), 403),
        send(HttpMethod.POST, "/api/operator/tenants/{victim}/suspend", new JsonObject(), 403),
        get("/api/operator/tenants/{victim}/export", 403),
        send(HttpMethod.DELETE, "/api/operator/tenants/{victim}", new JsonObject(), 403),
        send(HttpMethod.DELETE, "/api/admin/tenants/{victim}/invites/x1234", new JsonObject(), 404),
        get("/api/admin/tenants/{own}/audit", 200),
        send(HttpMethod.DELETE, "/api/admin/tenants/{victim}/members/{vuser}", new JsonObject(), 404),
        send(HttpMethod.DELETE, "/api/admin/tenants/{own}/members/{vuser}", new JsonObject(), 404),
        send(HttpMethod.PUT, "/api/admin/tenants/{victim}/members/{vuser}/role", new JsonObject().put("admin", false), 404),
        send(HttpMethod.PUT, "/api/admin/tenants/{own}/members/{vuser}/role", new JsonObject().put("admin", true), 404));
  }

  @BeforeAll
  void start(Vertx vertx, VertxTestContext ctx) throws Exception {
    dir = Files.createTempDirectory("isolation");
    TestApp.start(vertx, TestApp.config(dir)).compose(a -> {
      app = a;
      api = new Api(vertx, a.httpPort());
      return api.signupAndLogin("vera@globex.test", "globex", "premium", null);
    }).compose(v -> {
      victim = v;
      return api.post("/api/chat", v.idToken(), new JsonObject().put("message", "the " + MARKER + " numbers"));
    }).compose(r -> {
      victimSession = r.bodyAsJsonObject().getString("session_id");
      victimTurn = r.bodyAsJsonObject().getString("turn_id");
      return api.put("/api/admin/tenants/globex/budgets", victim.idToken(), new JsonObject().put("monthly_usd", 50));
    }).compose(r -> api.post("/api/admin/tenants/globex/api-keys", victim.idToken(), new JsonObject().put("name", "globex " + MARKER)
        .put("user_id", victim.sub()))).compose(r -> Api.expect(r, 201)).compose(k -> {
      victimKeyId = k.getString("id");
      victimKey = k.getString("key");
      return api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + victimKey).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user")
              .put("content", "the " + MARKER + " by program"))).encode()));
    }).compose(r -> Api.expect(r, 200)).compose(r -> api.usage(victim)).compose(u -> {
      victimUsageBefore = u;
      return api.invite(victim).compose(code -> api.signupAndLogin("walt@globex.test", "globex", "premium", code));
    }).compose(w -> {
      colleague = w;
      return api.signupAndLogin("ada@acme.test", "acme", "premium", null);
    }).onComplete(ctx.succeeding(a -> {
      attacker = a;
      ctx.completeNow();
    }));
  }

  @AfterAll
  void stop(VertxTestContext ctx) {
    api.close();
    app.stop().onComplete(ctx.succeedingThenComplete());
  }

  private String fill(String s) {
    return s.replace("{victim}", "globex").replace("{own}", "acme").replace("{vuser}", victim.sub())
        .replace("{vsession}", victimSession).replace("{vturn}", victimTurn).replace("{vkey}", victimKeyId);
  }

  /** Nothing of the victim tenant in a response: not its conversation, session, turn, e-mail or name. */
  private void assertNothingOfTheVictim(String body) {
    for (String secret : List.of(MARKER, victimSession, victimTurn, "vera@globex.test", "globex", victimKeyId)) {
      assertFalse(body.contains(secret), "leaks " + secret + ": " + body);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attempts")
  void anotherTenantsIdsAnywhereInARequestGetNothing(Attempt a, VertxTestContext ctx) {
    String path = fill(a.path()) + (a.path().contains("?") ? "&" : "?") + "tenant_id=globex&user_id=" + victim.sub()
        + "&session_id=" + victimSession;
    var req = api.client.request(a.method(), path).putHeader("Authorization", "Bearer " + attacker.idToken())
        .putHeader("X-Tenant-ID", "globex").putHeader("X-Tenant", "globex").putHeader("X-User-ID", victim.sub());
    Future<HttpResponse<Buffer>> sent = a.body() == null ? req.send()
        : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(fill(a.body().encode())));
    sent.onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertTrue(a.statuses().contains(r.statusCode()), a + " answered " + r.statusCode() + ": " + r.bodyAsString());
      assertNothingOfTheVictim(r.bodyAsString() == null ? "" : r.bodyAsString());
      ctx.completeNow();
    })));
  }

  @Test
  void bridgeAddressesAndFrameFieldsOfAnotherTenantAreRefused(Vertx vertx, VertxTestContext ctx) {
    BridgeClient.connect(vertx, app.httpPort()).compose(b -> {
      JsonObject forged = new JsonObject().put("Authorization", "Bearer " + attacker.idToken()).put("x-agentchat-tenant", "globex")
          .put("x-agentchat-user", victim.sub()).put("x-agentchat-admin", "true").put("X-Tenant-ID", "globex");
      List<Future<String>> outcomes = new ArrayList<>();
      b.register("client.acme." + attacker.sub(), attacker.idToken());
      // listening on the other tenant's addresses
      for (String address : List.of("client.globex." + victim.sub(), "monitor.globex", "monitor.platform")) {
        b.register(address, attacker.idToken());
      }
      // sending into the other tenant's session and turn, and straight to internal addresses
      outcomes.add(outcome(b.request("chat.send", forged, new JsonObject().put("session_id", victimSession).put("message", "hi")
          .put("tenant_id", "globex"))));
      outcomes.add(outcome(b.request("chat.cancel", forged, new JsonObject().put("turn_id", victimTurn).put("tenant_id", "globex"))));
      for (String internal : List.of("session.turn", "metering.reserve", "client.globex." + victim.sub(), "session.messages")) {
        outcomes.add(outcome(b.request(internal, forged, new JsonObject().put("session_id", victimSession))));
      }
      return Future.all(outcomes).compose(all -> {
        // what came back: refusals, no data
        List<String> codes = outcomes.stream().map(Future::result).toList();
        assertEquals("not_found", codes.get(0), "another tenant's session: " + codes);
        assertTrue(codes.get(1).equals("{\"cancelled\":false}") || codes.get(1).equals("not_found"), "another tenant's turn: " + codes);
        for (int i = 2; i < codes.size(); i++) {
          assertEquals("access_denied", codes.get(i), "internal and foreign addresses: " + codes);
        }
        // a turn in the victim tenant now (by another of its users) must not reach the attacker's socket
        return api.post("/api/chat", colleague.idToken(), new JsonObject().put("message", "private " + MARKER)).compose(r ->
            b.request("chat.send", attacker.idToken(), new JsonObject().put("message", "my own")))
            .compose(own -> b.await(BridgeClient.has("done", d -> own.getString("turn_id").equals(d.getString("turn_id")))));
      }).map(frames -> {
        // the refusals name only the address the attacker asked for; every other frame holds nothing of globex
        // (Vert.x adds its own generic {"type":"err","body":"rejected"} after each refusal)
        List<JsonObject> denials = frames.stream().filter(f -> "err".equals(f.getString("type")) && f.containsKey("message")).toList();
        assertEquals(3, denials.size(), "each foreign registration refused with the contract's error frame: " + denials);
        denials.forEach(f -> assertTrue(f.getString("message").startsWith("access_denied"), f.encode()));
        frames.stream().filter(f -> !"err".equals(f.getString("type"))).forEach(f -> assertNothingOfTheVictim(f.encode()));
        return b;
      }).compose(BridgeClient::close);
    }).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<String> outcome(Future<JsonObject> reply) {
    return reply.transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result().encode()
        : ar.cause() instanceof BridgeError e ? e.code() : ar.cause().toString()));
  }

  @Test
  void anApiKeyActsInItsOwnTenantWhateverTheRequestSays(VertxTestContext ctx) {
    String swapped = victimKey.replace("ack_globex_", "ack_acme_");
    api.post("/api/admin/tenants/acme/api-keys", attacker.idToken(), new JsonObject().put("name", "mine").put("user_id", attacker.sub()))
        .compose(r -> Api.expect(r, 201)).compose(k -> api.client.post("/v1/chat/completions?tenant_id=globex&user_id=" + victim.sub())
            .putHeader("Authorization", "Bearer " + k.getString("key")).putHeader("Content-Type", "application/json")
            .putHeader("X-Tenant-ID", "globex").putHeader("X-User-ID", victim.sub())
            .sendBuffer(Buffer.buffer(new JsonObject().put("user", victim.sub()).put("messages", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "charged to whom?"))).encode())))
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertNothingOfTheVictim(r.bodyAsString());
          return api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + swapped)
              .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(new JsonObject().put("messages",
                  new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", "x"))).encode()));
        })
        .compose(r -> {
          assertEquals(401, r.statusCode(), "the victim's key under another tenant's name is no key: " + r.bodyAsString());
          return api.get("/api/admin/tenants/acme/per-key-cost", attacker.idToken());
        })
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertNothingOfTheVictim(r.bodyAsString());
          assertEquals(1, r.bodyAsJsonObject().getJsonArray("api_keys").size(), "the attacker's own key only");
          return api.usage(victim);
        })
        .map(after -> {
          assertEquals(victimUsageBefore.getInteger("daily_used"), after.getInteger("daily_used"), "no message charged to globex");
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theVictimTenantIsUntouchedAndTheAttackersChatsAreChargedToTheAttacker(VertxTestContext ctx) {
    api.client.put("/api/auth/profile?tenant_id=globex&user_id=" + victim.sub()).putHeader("Authorization", "Bearer " + attacker.idToken())
        .putHeader("X-Tenant-ID", "globex").putHeader("X-User-ID", victim.sub()).sendJsonObject(new JsonObject().put("display_name", "Not Vera"))
        .compose(r -> Api.expect(r, 200)).compose(mine -> {
          assertEquals("ada@acme.test", mine.getString("email"), "the attacker's own profile: " + mine.encode());
          assertEquals("acme", mine.getString("tenant_id"));
          return api.get("/api/auth/profile", victim.idToken()).compose(r -> Api.expect(r, 200));
        }).compose(vera -> {
          assertEquals("vera@globex.test", vera.getString("email"));
          assertNull(vera.getString("display_name"), "the victim's name was not changed: " + vera.encode());
          return api.post("/api/chat", attacker.idToken(), new JsonObject().put("message", "one more").put("tenant_id", "globex")
        .put("user_id", victim.sub()));
        }).compose(r -> api.usage(victim)).compose(after -> {
          assertEquals(victimUsageBefore.getInteger("daily_used"), after.getInteger("daily_used"), "no message charged to globex");
          assertEquals(victimUsageBefore.getJsonObject("month").getValue("cost_usd").toString(),
              after.getJsonObject("month").getValue("cost_usd").toString(), "no cost charged to globex");
          return api.get("/api/admin/tenants/globex/budgets", victim.idToken());
        }).compose(budgets -> {
          JsonObject budget = budgets.bodyAsJsonObject().getJsonArray("budgets").getJsonObject(0);
          assertEquals(0, new BigDecimal(budget.getValue("monthly_usd").toString()).compareTo(BigDecimal.valueOf(50)),
              "the victim's budget was not changed: " + budget);
          return api.get("/api/tenants/globex/sessions/" + victimSession + "/messages", victim.idToken());
        }).compose(messages -> {
          assertEquals(2, messages.bodyAsJsonObject().getJsonArray("messages").size(), "nothing was added to the victim's session");
          return api.get("/api/tenants/globex/sessions", victim.idToken());
        }).compose(sessions -> {
          JsonObject chat = sessions.bodyAsJsonObject().getJsonArray("sessions").stream().map(JsonObject.class::cast)
              .filter(x -> x.getString("session_id").equals(victimSession)).findFirst().orElseThrow();
          assertEquals("open", chat.getString("status"), "the victim's chat was neither closed nor deleted");
          assertTrue(chat.getString("title").contains(MARKER), "nor renamed: " + chat.encode());
          return api.get("/api/admin/tenants/globex/members", victim.idToken());
        }).compose(members -> {
          assertFalse(members.bodyAsString().contains("ada@acme.test"), "the attacker did not join the victim tenant");
          return api.usage(attacker);
        }).map(mine -> {
          assertTrue(mine.getInteger("daily_used") >= 1, "the attacker's chats are charged to the attacker");
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }
}
