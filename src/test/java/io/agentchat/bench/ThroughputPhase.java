package io.agentchat.bench;

import static io.agentchat.bench.ChatBenchmark.CHUNKS;
import static io.agentchat.bench.ChatBenchmark.MESSAGE;

import io.agentchat.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's chat phase: peak turns/s of the pipeline and of the baseline (closed loop), then the time to first chunk
 * of both at half the pipeline's peak (open loop), and what the pipeline adds to it.
 */
final class ThroughputPhase {
  private ThroughputPhase() {
  }

  /** What the phase found: both peak runs, their ratio and the added p99 time to first chunk. */
  record Throughput(Load.Run pipeline, Load.Run base, double ratio, double addedP99Ms) {
  }

  static Throughput run(Vertx vertx, Api api, WebSocketClient client, MeasuredServer server, MeasuredServer baseline, ChatBenchmark.Options o,
                        PrintStream out) {
    List<ChatConnection.User> users = ChatConnection.signUp(api, "chat", o.tenants(), o.usersPerTenant());
    List<ChatConnection> pc = ChatConnection.openAll(vertx, client, server.port, users, MESSAGE);
    List<ChatConnection> bc = ChatConnection.openAll(vertx, client, baseline.port, users, MESSAGE);
    out.printf(Locale.ROOT, "%n== throughput: %d tenants x %d users, one bridge WebSocket each, %d chunks a turn, zero pacing, closed loop%n",
        o.tenants(), o.usersPerTenant(), CHUNKS);
    Load.Run p = ChatBenchmark.profiled(server, o, "pipeline-peak", out,
        () -> Load.closedLoop(vertx, "pipeline peak", pc, server, o.warmupMs(), o.measureMs()));
    report(out, p);
    out.printf(Locale.ROOT, "   server after the run: heap %.1f MB after GC, RSS %.1f MB%n", server.heapAfterGcKb() / 1024.0, server.rssKb() / 1024.0);
    Load.Run b = Load.closedLoop(vertx, "baseline peak", bc, baseline, o.warmupMs(), o.measureMs());
    report(out, b);
    double ratio = b.turnsPerSecond() == 0 ? 0 : p.turnsPerSecond() / b.turnsPerSecond();
    out.printf(Locale.ROOT, "   ratio pipeline/baseline: %.3f (goal >= 0.25)%n", ratio);

    double rate = Math.max(1, p.turnsPerSecond() / 2);
    out.printf(Locale.ROOT, "%n== latency at 50%% of the pipeline's peak: %.0f turns/s, open loop (latency counted from the scheduled start)%n", rate);
    Load.Run pp = Load.openLoop(vertx, "pipeline paced", pc, server, rate, o.warmupMs(), o.measureMs());
    report(out, pp);
    Load.Run bp = Load.openLoop(vertx, "baseline paced", bc, baseline, rate, o.warmupMs(), o.measureMs());
    report(out, bp);
    double[] pcts = {50, 90, 99, 99.9};
    StringBuilder added = new StringBuilder("   added time to first chunk (pipeline - baseline):");
    for (double q : pcts) {
      added.append(String.format(Locale.ROOT, "  p%s %.2f ms", q == 99.9 ? "99.9" : String.valueOf((int) q),
          LoadStats.ms(pp.stats().firstChunk, q) - LoadStats.ms(bp.stats().firstChunk, q)));
    }
    out.println(added + "  (goal p99 <= 2 ms)");
    double addedP99 = LoadStats.ms(pp.stats().firstChunk, 99) - LoadStats.ms(bp.stats().firstChunk, 99);
    Load.await(ChatConnection.closeAll(pc).compose(v -> ChatConnection.closeAll(bc)), 60);
    return new Throughput(p, b, ratio, addedP99);
  }

  static void report(PrintStream out, Load.Run r) {
    LoadStats s = r.stats();
    out.printf(Locale.ROOT, "-- %s: %.0f turns/s over %.1f s, %d errors%s; server CPU %.2f cores, generator CPU %.2f cores; load avg %s%n",
        r.label(), r.turnsPerSecond(), r.seconds(), s.errors.sum(), s.errorKinds.isEmpty() ? "" : " " + s.errorKinds, r.serverCpuCores(),
        r.generatorCpuCores(), r.load());
    out.println("   time to first chunk  " + LoadStats.percentiles(s.firstChunk));
    out.println("   between chunks       " + LoadStats.percentiles(s.interChunk));
    out.println("   whole turn           " + LoadStats.percentiles(s.turn));
  }
}
