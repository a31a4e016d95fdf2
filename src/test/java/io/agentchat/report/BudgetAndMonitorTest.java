package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetAndMonitorTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    // turns last long enough that every concurrent reservation is decided before the first settlement
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 10);
    // hold $0.002 per turn: more than a turn of the offline agent costs (~$0.0011)
    c.getJsonObject("metering").put("budgetReservePerTurnMicroUsd", 2000);
    // one socket carries all fifty requests at once (each in-flight reply counts as a handler of the socket)
    c.getJsonObject("http").put("maxHandlersPerSocket", 64);
    return c;
  }

  @Test
  void fiftyConcurrentTurnsAgainstABudgetForTenAdmitAtMostTen(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(u -> api.budget(u, 0.02).compose(b -> {
          List<Future<JsonObject>> sessions = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            sessions.add(api.newSession(u));
          }
          // one socket a send: the frames of one socket are handled one after another, and these fifty must race
          List<Future<BridgeClient>> senders = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            senders.add(BridgeClient.connect(vertx, app.httpPort()));
          }
          return Future.all(sessions).compose(all -> Future.all(senders)).compose(cf -> listen(u, "client.acme." + u.sub()).compose(sock -> {
            List<Future<JsonObject>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
              String sid = sessions.get(i % 10).result().getString("session_id");
              sends.add(senders.get(i).result().request("chat.send", u.idToken(),
                  new JsonObject().put("session_id", sid).put("message", "hello").put("request_id", "b-" + i)));
            }
            return Future.join(sends).transform(ar -> {
              long accepted = sends.stream().filter(Future::succeeded).count();
              long refused = sends.stream().filter(f -> f.failed() && ((BridgeError) f.cause()).code().equals("budget_exceeded")).count();
              assertEquals(10, accepted, "the budget holds exactly ten turns' reservations");
              assertEquals(40, refused);
              return sock.await(fs -> BridgeClient.bodies(fs, "done").size() == 10);
            }).compose(fs -> api.get("/api/admin/tenants/acme/budgets", u.idToken())).map(r -> {
              JsonObject tenantBudget = r.bodyAsJsonObject().getJsonArray("budgets").getJsonObject(0);
              assertEquals(0, new BigDecimal(tenantBudget.getValue("reserved_usd").toString()).signum(), "every reservation was settled");
              assertTrue(new BigDecimal(tenantBudget.getValue("spent_usd").toString()).compareTo(new BigDecimal("0.02")) <= 0);
              return sock;
            }).compose(BridgeClient::close).compose(v -> Future.join(senders.stream().map(f -> f.result().close()).toList()).mapEmpty());
          }));
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theMonitorShowsOnlyTheAdminsOwnTenantAndRefusesMembers(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "premium", null)
        .compose(bob -> api.invite(ada).compose(code -> api.signupAndLogin("mo@acme.test", "acme", null, code)).compose(member ->
            listen(ada, "monitor.acme").compose(mon -> listen(member, "monitor.acme").compose(intruder ->
                api.post("/api/chat", bob.idToken(), new JsonObject().put("message", "beta's secret"))
                    .compose(r -> api.post("/api/chat", member.idToken(), new JsonObject().put("message", "acme's turn")))
                    .compose(r -> mon.await(fs -> BridgeClient.bodies(fs, "turn_finished").size() == 1))
                    .compose(fs -> intruder.await(f -> f.stream().anyMatch(x -> "err".equals(x.getString("type"))
                        && String.valueOf(x.getString("message")).startsWith("access_denied"))).map(f -> fs))
                    .map(fs -> {
                      assertEquals(member.sub(), BridgeClient.bodies(fs, "turn_finished").get(0).getString("user_id"));
                      assertTrue(fs.stream().noneMatch(f -> f.encode().contains(bob.sub())), "nothing of beta");
                      assertTrue(intruder.frames().stream().noneMatch(f -> "rec".equals(f.getString("type"))), "a member gets no feed");
                      return null;
                    })
                    .compose(v -> mon.close()).compose(v -> intruder.close()))))))
        .onComplete(ctx.succeedingThenComplete());
  }
}
