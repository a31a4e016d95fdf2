package io.agentchat.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.Periods;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.ClockedAppTest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A turn admitted a tenth of a second before midnight UTC and finished after it: one message, in the day it was admitted. */
class DayBoundaryTest extends ClockedAppTest {
  private static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-03-31T23:59:59.900Z");
  private static final Instant AFTER_MIDNIGHT = Instant.parse("2026-04-01T00:00:00.100Z");

  DayBoundaryTest() {
    super(BEFORE_MIDNIGHT);
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    // long enough that the turn is still streaming when the test moves the clock past midnight
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 100);
    return c;
  }

  @Test
  void aTurnAdmittedAt235959point9CountsOnceInTheDayAndMonthItWasAdmitted(VertxTestContext ctx) {
    User[] user = new User[1];
    String[] turn = new String[1];
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      user[0] = u;
      return listen(u);
    }).compose(b -> {
      JsonObject body = new JsonObject().put("message", "hello there").put("request_id", "late-1");
      return b.request("chat.send", user[0].idToken(), body).compose(accepted -> {
        turn[0] = accepted.getString("turn_id");
        clock.set(AFTER_MIDNIGHT);
        return b.await(BridgeClient.has("done", d -> turn[0].equals(d.getString("turn_id"))));
      }).compose(frames -> b.request("chat.send", user[0].idToken(), body)).compose(again -> {
        assertTrue(again.getBoolean("duplicate"), "the same request_id after midnight is the same turn");
        return b.close();
      });
    }).compose(v -> app.store().usage().quotaUsage("acme", user[0].sub(), Periods.dayKey(BEFORE_MIDNIGHT), Periods.monthKey(BEFORE_MIDNIGHT),
        AFTER_MIDNIGHT)).compose(march -> {
          assertEquals(1, march.dailyUsed(), "counted on 31 March, the day it was admitted");
          assertEquals(1, march.monthlyUsed(), "and in March");
          return app.store().usage().quotaUsage("acme", user[0].sub(), Periods.dayKey(AFTER_MIDNIGHT), Periods.monthKey(AFTER_MIDNIGHT), AFTER_MIDNIGHT);
        }).compose(april -> {
          assertEquals(0, april.dailyUsed(), "not again on 1 April");
          assertEquals(0, april.monthlyUsed(), "nor in April");
          return app.store().usage().turnEvents("acme", turn[0]);
        }).compose(events -> {
          assertEquals(1, events.stream().filter(e -> e.kind() == UsageKind.INVOCATION).count(), "one invocation metered: " + events);
          assertTrue(events.stream().allMatch(e -> !e.at().isBefore(AFTER_MIDNIGHT)), "the turn was settled after midnight: " + events);
          return api.usage(user[0]);
        }).map(usage -> {
          assertEquals(0, usage.getInteger("daily_used"), "the user starts 1 April with a fresh day");
          assertEquals(0, usage.getInteger("monthly_used"));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }
}
