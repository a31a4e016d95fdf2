package io.agentchat.bench;

import io.agentchat.App;
import io.agentchat.metering.Pricing;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.Store;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills one tenant with a million usage events over a month (through the real settlement path, so rollups are
 * maintained as in production), then prints the latency of every cost report served over HTTP.
 * Run: {@code mvn -B -q -Pbench-reports test-compile exec:java} (EVENTS=200000 for a shorter run).
 */
public final class ReportBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger("bench");
  private static final String[] MODELS = {"anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-5-sonnet-20240620-v1:0",
      "anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.titan-text-express-v1"};

  private ReportBenchmark() {
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.MINUTES);
  }

  public static void main(String[] args) throws Exception {
    long target = Long.parseLong(System.getenv().getOrDefault("EVENTS", "1000000"));
    int users = 50;
    int eventsPerTurn = 10;
    Path dir = Files.createTempDirectory("report-bench");
    Vertx vertx = Vertx.vertx();
    JsonObject cfg = TestApp.config(dir);
    App app = await(TestApp.start(vertx, cfg));
    Api api = new Api(vertx, app.httpPort());
    Api.User admin = await(api.signupAndLogin("admin@bench.test", "bench", "premium", null));
    Store store = app.store();
    LocalDate first = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
    int days = LocalDate.now(ZoneOffset.UTC).getDayOfMonth();
    long turns = target / eventsPerTurn;
    long t0 = System.nanoTime();
    int wave = 1000;
    for (long start = 0; start < turns; start += wave) {
      List<Future<?>> reserves = new ArrayList<>();
      List<SettleRequest> settles = new ArrayList<>();
      for (long n = start; n < Math.min(turns, start + wave); n++) {
        String user = n % users == 0 ? admin.sub() : "user-" + (n % users);
        String turn = "t-" + n;
        Instant at = first.plusDays(n % days).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(n % 80_000);
        String model = MODELS[(int) (n % MODELS.length)];
        reserves.add(store.usage().reserveTurn(new ReserveRequest("bench", user, "s-" + user, turn, null, "q", "d:" + at.toString().substring(0, 10),
            "m:" + at.toString().substring(0, 7), Integer.MAX_VALUE, Integer.MAX_VALUE, at)));
        List<UsageEvent> ev = new ArrayList<>();
        ev.add(new UsageEvent(turn + "/invocation", "bench", user, "s-" + user, turn, UsageKind.INVOCATION, Pricing.AGENT_RUNTIME, "orchestration", 1,
            1_000_000, false, at));
        ev.add(new UsageEvent(turn + "/input_tokens", "bench", user, "s-" + user, turn, UsageKind.INPUT_TOKENS, Pricing.BEDROCK_MODELS, model, 500, 125_000,
            false, at));
        ev.add(new UsageEvent(turn + "/output_tokens", "bench", user, "s-" + user, turn, UsageKind.OUTPUT_TOKENS, Pricing.BEDROCK_MODELS, model, 300,
            375_000, false, at));
        ev.add(new UsageEvent(turn + "/storage", "bench", user, "s-" + user, turn, UsageKind.STORAGE_BYTES, Pricing.STORAGE, "conversation", 3000, 750,
            false, at));
        for (int i = 0; ev.size() < eventsPerTurn; i++) {
          ev.add(new UsageEvent(turn + "/tool/" + i, "bench", user, "s-" + user, turn, UsageKind.TOOL_ACTION, Pricing.TOOLS, "weather", 1, 500_000, false, at));
        }
        settles.add(new SettleRequest("bench", user, "s-" + user, turn, "completed", null, ev, false, at));
      }
      await(Future.all(reserves));
      await(Future.all(settles.stream().map(store.usage()::settleTurn).toList()));
      if ((start / wave) % 10 == 0) {
        LOG.info("filled {} events", (start + wave) * eventsPerTurn);
      }
    }
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(String.format(Locale.ROOT, "filled %,d usage events (%,d turns, %d users, %d days) in %.1f s: %,.0f events/s", turns * eventsPerTurn,
        turns, users, days, fillSeconds, turns * eventsPerTurn / fillSeconds));
    String base = "/api/admin/tenants/bench/";
    for (String report : List.of("overall-cost", "per-user-cost", "service-wise-cost", "service-wise-cost?granularity=week",
        "users/" + admin.sub() + "/service-cost", "comprehensive-report", "comprehensive-report?format=csv")) {
      long[] ms = new long[7];
      for (int i = 0; i < ms.length; i++) {
        long s = System.nanoTime();
        var r = await(api.get(base + report, admin.idToken()));
        ms[i] = (System.nanoTime() - s) / 1_000_000;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(report + " answered " + r.statusCode() + ": " + r.bodyAsString());
        }
      }
      Arrays.sort(ms);
      LOG.info(String.format(Locale.ROOT, "%-45s median %4d ms   max %4d ms   (7 calls)", report, ms[3], ms[6]));
    }
    await(app.stop());
    vertx.close();
  }
}
