package io.agentchat.bench;

import static io.agentchat.bench.ChatBenchmark.LONG_MESSAGE;
import static io.agentchat.bench.ChatBenchmark.MESSAGE;

import io.agentchat.support.Api;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's capacity phase: slow readers (clients that stop reading while long replies stream to them: how much
 * the server holds for them) and idle capacity (the heap each authenticated, registered bridge connection costs).
 */
final class CapacityPhase {
  private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);

  private CapacityPhase() {
  }

  /** What the phase found: the heap growth under slow readers and the heap of one idle connection. */
  record Capacity(double slowReaderHeapMb, double idleHeapKbEach) {
  }

  static Capacity run(Vertx vertx, Api api, WebSocketClient client, MeasuredServer server, ChatBenchmark.Options o, PrintStream out) {
    List<ChatConnection.User> users = capacityUsers(api, o, out);
    // slow readers first, on their own connections, so that their starting point holds nothing of the idle phase
    List<ChatConnection> slow = ChatConnection.openAll(vertx, client, server.port, users.subList(0, Math.min(o.slowReaders(), users.size())),
        MESSAGE);
    firstTurns(slow);
    double slowMb = slowReaders(vertx, api, server, slow, o, out);
    double idleKb = idle(vertx, client, server, users, out);
    return new Capacity(slowMb, idleKb);
  }

  /** The users of the capacity phases: many per tenant, as the idle connections need one each. */
  private static List<ChatConnection.User> capacityUsers(Api api, ChatBenchmark.Options o, PrintStream out) {
    int perTenant = Math.min(o.idleUsersPerTenant(), o.idleConnections());
    int tenants = (o.idleConnections() + perTenant - 1) / perTenant;
    long t0 = System.nanoTime();
    List<ChatConnection.User> users = ChatConnection.signUp(api, "idle", tenants, perTenant).subList(0, o.idleConnections());
    out.printf(Locale.ROOT, "%n== capacity: %d users signed up (%d tenants x %d) in %.1f s%n", users.size(), tenants, perTenant,
        (System.nanoTime() - t0) / 1e9);
    return users;
  }

  /** One turn on each connection: its session is opened and its actor activated. */
  private static LoadStats firstTurns(List<ChatConnection> conns) {
    LoadStats stats = new LoadStats();
    stats.recording = true;
    Load.inParallel(conns, 256, c -> {
      Promise<Void> p = Promise.promise();
      c.startTurn(stats, System.nanoTime(), p::complete);
      return p.future();
    }, 600);
    return stats;
  }

  /** The heap each idle connection costs, in KB. */
  private static double idle(Vertx vertx, WebSocketClient client, MeasuredServer server, List<ChatConnection.User> users, PrintStream out) {
    out.printf(Locale.ROOT, "%n== idle capacity: %d authenticated bridge connections, each registered on its client address with an active "
        + "session%n", users.size());
    long heap0 = server.heapAfterGcKb();
    long rss0 = server.rssKb();
    HeapHistogram before = HeapHistogram.of(server);
    List<ChatConnection> conns = ChatConnection.openAll(vertx, client, server.port, users, MESSAGE);
    LoadStats stats = firstTurns(conns);
    long heap1 = server.heapAfterGcKb();
    long rss1 = server.rssKb();
    HeapHistogram after = HeapHistogram.of(server);
    double each = (heap1 - heap0) / (double) conns.size();
    out.printf(Locale.ROOT, "-- %d connections: heap after GC %.1f -> %.1f MB: %.1f KB each (goal <= 20); RSS %.1f -> %.1f MB: %.1f KB each; "
            + "%d of their first turns failed %s; load avg %s%n", conns.size(), heap0 / 1024.0, heap1 / 1024.0, each, rss0 / 1024.0, rss1 / 1024.0,
        (rss1 - rss0) / (double) conns.size(), stats.errors.sum(), stats.errorKinds, Machine.loadAverage());
    out.print(after.growthSince(before, conns.size(), 25));
    Load.await(ChatConnection.closeAll(conns), 120);
    return each;
  }

  /** The heap growth while the connections do not read, in MB. */
  private static double slowReaders(Vertx vertx, Api api, MeasuredServer server, List<ChatConnection> conns, ChatBenchmark.Options o,
                                    PrintStream out) {
    int turns = conns.size() * o.slowTurns();
    out.printf(Locale.ROOT, "%n== slow readers: %d connected clients stop reading, then send %d long turns each (%d in all)%n", conns.size(),
        o.slowTurns(), turns);
    long heap0 = server.heapAfterGcKb();
    long rss0 = server.rssKb();
    double settled0 = Load.await(settledTurns(api), 30);
    long done0 = ChatConnection.DONE.get();
    conns.forEach(ChatConnection::pause);
    conns.forEach(c -> c.fire(o.slowTurns(), LONG_MESSAGE));
    long t0 = System.nanoTime();
    // at most a minute: what has settled by then is reported
    double settled = Load.await(Poll.until(vertx, SETTLE_WAIT, () -> settledTurns(api), s -> s >= settled0 + turns)
        .recover(notYet -> settledTurns(api)), 120);
    double secs = (System.nanoTime() - t0) / 1e9;
    long kernel = server.kernelQueuedBytes();
    long heap1 = server.heapAfterGcKb();
    long rss1 = server.rssKb();
    double growthMb = (heap1 - heap0) / 1024.0;
    out.printf(Locale.ROOT, "-- %.0f of %d turns settled in %.1f s while nobody read; heap after GC %.1f -> %.1f MB: growth %.1f MB (goal <= 50); "
            + "RSS %.1f -> %.1f MB: growth %.1f MB; load avg %s%n", settled - settled0, turns, secs, heap0 / 1024.0, heap1 / 1024.0, growthMb,
        rss0 / 1024.0, rss1 / 1024.0, (rss1 - rss0) / 1024.0, Machine.loadAverage());
    out.println("   meanwhile in the kernel's socket buffers (server send queues + readers' receive queues): "
        + (kernel < 0 ? "not measured (no ss command)" : String.format(Locale.ROOT, "%.1f MB", kernel / (1024.0 * 1024))));
    conns.forEach(ChatConnection::resume);
    long r0 = System.nanoTime();
    Load.await(Poll.until(vertx, SETTLE_WAIT, () -> ChatConnection.DONE.get() - done0 >= turns).recover(notYet -> Future.succeededFuture()), 120);
    out.printf(Locale.ROOT, "   after reading again: %d of %d replies delivered in full within %.1f s%n", ChatConnection.DONE.get() - done0,
        turns, (System.nanoTime() - r0) / 1e9);
    Load.await(ChatConnection.closeAll(conns), 60);
    return growthMb;
  }

  /** The server's count of settled turns (its Prometheus counter, all tiers and statuses). */
  private static Future<Double> settledTurns(Api api) {
    return api.get("/metrics", null).map(r -> {
      double sum = 0;
      for (String line : r.bodyAsString().split("\n")) {
        if (line.startsWith("agentchat_turns_settled_total")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    });
  }
}
