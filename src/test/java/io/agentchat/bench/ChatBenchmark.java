package io.agentchat.bench;

import io.agentchat.config.AppConfig;
import io.agentchat.store.Store;
import io.agentchat.store.Stores;
import io.agentchat.support.Api;
import io.agentchat.support.Dynalite;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat path under load, measured against a bare Vert.x WebSocket server in the same run. The product server and the
 * baseline each run in a JVM of their own; this JVM signs users up, opens their bridge WebSockets and drives the turns.
 * Phases: peak turns/s (closed loop) of both, time to first chunk at half the pipeline's peak (open loop) of both, idle
 * capacity, slow readers, then durable metering throughput of the stores. The last line printed is the summary.
 * Run: {@code mvn -B -q -Pbench test-compile exec:java}; settings in {@link Options}.
 */
public final class ChatBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger("bench");
  static final int CHUNKS = 50;
  static final String MESSAGE = "benchmark turn";
  static final String LONG_MESSAGE = "a long story, please";

  private ChatBenchmark() {
  }

  /**
   * What to run. From the environment: BENCH_TENANTS x BENCH_USERS chatting users, BENCH_WARMUP_SECONDS and
   * BENCH_SECONDS per throughput run, BENCH_IDLE connections, BENCH_SLOW_READERS x BENCH_SLOW_TURNS, BENCH_METERING_SECONDS
   * (SQLite) and BENCH_DYNALITE_SECONDS (0 skips it), BENCH_JFR (a directory: JFR recordings of the pipeline's peak run and
   * of the SQLite metering run, with their hot methods), BENCH_PHASES (comma-separated: chat, capacity, metering).
   */
  public record Options(int tenants, int usersPerTenant, long warmupMs, long measureMs, int idleConnections, int idleUsersPerTenant,
                        int slowReaders, int slowTurns, long meteringMs, long dynaliteMs, Path jfr, Set<String> phases) {
    public static Options fromEnv(Map<String, String> env) {
      String jfr = env.getOrDefault("BENCH_JFR", "");
      Set<String> phases = Set.of(env.getOrDefault("BENCH_PHASES", "chat,capacity,metering").split(","));
      return new Options(num(env, "BENCH_TENANTS", 4), num(env, "BENCH_USERS", 25), num(env, "BENCH_WARMUP_SECONDS", 5) * 1000L,
          num(env, "BENCH_SECONDS", 10) * 1000L, num(env, "BENCH_IDLE", 10_000), num(env, "BENCH_IDLE_USERS_PER_TENANT", 200),
          num(env, "BENCH_SLOW_READERS", 200), num(env, "BENCH_SLOW_TURNS", 20), num(env, "BENCH_METERING_SECONDS", 10) * 1000L,
          num(env, "BENCH_DYNALITE_SECONDS", 5) * 1000L, jfr.isBlank() ? null : Path.of(jfr), phases);
    }

    /** About ten seconds of load in all: every phase runs, on a few users. */
    public static Options smoke() {
      return new Options(1, 4, 500, 1500, 20, 10, 4, 2, 1000, 0, null, Set.of("chat", "capacity", "metering"));
    }

    private static int num(Map<String, String> env, String name, int dflt) {
      return Integer.parseInt(env.getOrDefault(name, String.valueOf(dflt)).trim());
    }
  }

  public static void main(String[] args) {
    String summary = run(Options.fromEnv(System.getenv()), System.out);
    System.out.flush();
    System.exit(summary.contains("turns_per_s=0 ") ? 1 : 0);
  }

  /** Runs every phase, prints the report to {@code out} and returns the summary line (also its last line). */
  public static String run(Options o, PrintStream out) {
    Path dir = tempDir();
    Vertx vertx = Vertx.vertx();
    out.println("machine: " + Machine.describe());
    out.println("phases: " + o.phases());
    Throughput t = null;
    Idle idle = null;
    double slowMb = Double.NaN;
    try {
      if (o.phases().contains("chat") || o.phases().contains("capacity")) {
        try (MeasuredServer server = startServer(dir)) {
          Api api = new Api(vertx, server.port);
          if (o.phases().contains("chat")) {
            try (MeasuredServer baseline = MeasuredServer.start("baseline", BaselineServer.class.getName(), List.of("-Xmx2g"),
                Map.of("BASELINE_CHUNKS", String.valueOf(CHUNKS)))) {
              WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
              t = throughput(vertx, api, ws, server, baseline, o, out);
            }
          }
          if (o.phases().contains("capacity")) {
            // small receive buffers on the connections that later stop reading, so that little of what the server sends can
            // sit in the reader's kernel buffer
            WebSocketClient small = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setReceiveBufferSize(16 * 1024));
            List<ChatConnection.User> users = capacityUsers(api, o, out);
            // slow readers first, on their own connections, so that their starting point holds nothing of the idle phase
            List<ChatConnection> slow = connect(vertx, small, server.port, users.subList(0, Math.min(o.slowReaders(), users.size())), MESSAGE);
            firstTurns(slow);
            slowMb = slowReaders(vertx, api, server, slow, o, out);
            idle = idle(vertx, small, server, users, out);
          }
          api.close();
        }
      }
      MeteringBench.Result sqlite = o.phases().contains("metering") ? metering(vertx, dir, o, out) : null;
      String summary = String.format(Locale.ROOT,
          "bench: ratio=%.2f turns_per_s=%.0f added_ttft_p99_ms=%.2f idle_heap_kb=%.1f metering_events_per_s=%.0f slow_reader_heap_mb=%.1f",
          t == null ? Double.NaN : t.ratio, t == null ? Double.NaN : t.pipeline.turnsPerSecond(), t == null ? Double.NaN : t.addedP99Ms,
          idle == null ? Double.NaN : idle.heapKbEach, sqlite == null ? Double.NaN : sqlite.eventsPerSecond(), slowMb);
      out.println(summary);
      return summary;
    } finally {
      Load.await(vertx.close(), 60);
      deleteTree(dir);
    }
  }

  /** With BENCH_JFR set, records the product server with JFR while {@code body} runs and prints its hot methods. */
  private static <T> T profiled(MeasuredServer server, Options o, String name, PrintStream out, java.util.function.Supplier<T> body) {
    if (o.jfr() == null) {
      return body.get();
    }
    Path file = jfrFile(o, name);
    server.jcmd("JFR.start", "name=" + name, "settings=profile");
    T result = body.get();
    server.jcmd("JFR.stop", "name=" + name, "filename=" + file);
    out.println("   JFR recording of the server during " + name + ": " + file);
    out.print(JfrSummary.hotMethods(file, 15));
    return result;
  }

  // ------------------------------------------------------------------ servers and users

  private static MeasuredServer startServer(Path dir) {
    JsonObject cfg = TestApp.config(dir.resolve("data"));
    // the figures are the server's, not the abuse limits': sign-up and turn rates, quotas and session counts lifted
    cfg.getJsonObject("http").put("authAttemptsPerMinute", 1_000_000).put("turnsPerUserPerMinute", 1_000_000)
        .put("turnsPerTenantPerMinute", 10_000_000);
    cfg.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 0).put("chunks", CHUNKS);
    // 10,000 sign-ups must not dominate the run: Argon2id at its smallest cost (password hashing is not what is measured)
    cfg.getJsonObject("auth").getJsonObject("local").put("argon2", new JsonObject().put("memoryKiB", 8).put("iterations", 1).put("parallelism", 1));
    JsonObject tiers = readJson(Path.of("conf", "tiers.json"));
    tiers.getJsonObject("premium").put("daily_messages", 10_000_000).put("monthly_messages", 10_000_000);
    cfg.getJsonObject("tiers").put("file", write(dir.resolve("tiers.json"), tiers).toString());
    Path conf = write(dir.resolve("config.json"), cfg);
    MeasuredServer s = MeasuredServer.start("agent-chat", "io.agentchat.Main", List.of("-Xmx2g"), Map.of("CONFIG_FILE", conf.toString()));
    LOG.info("server pid {} on port {}", s.pid(), s.port);
    return s;
  }

  /** Signs up {@code tenants x perTenant} users (the first of each tenant creates it, the others join by invite). */
  static List<ChatConnection.User> signUp(Api api, String prefix, int tenants, int perTenant) {
    List<Api.User> admins = Load.inParallel(IntStream.range(0, tenants).boxed().toList(), 128,
        t -> api.signupAndLogin(prefix + "-u0@t" + t + ".bench", prefix + "-t" + t, "premium", null), 600);
    List<int[]> joiners = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      for (int u = 1; u < perTenant; u++) {
        joiners.add(new int[] {t, u});
      }
    }
    List<Api.User> joined = Load.inParallel(joiners, 128,
        tu -> api.invite(admins.get(tu[0])).compose(code -> api.signupAndLogin(prefix + "-u" + tu[1] + "@t" + tu[0] + ".bench",
            prefix + "-t" + tu[0], "premium", code)), 900);
    List<ChatConnection.User> users = new ArrayList<>();
    for (Api.User u : admins) {
      users.add(new ChatConnection.User(u.tenant(), u.sub(), u.idToken()));
    }
    for (Api.User u : joined) {
      users.add(new ChatConnection.User(u.tenant(), u.sub(), u.idToken()));
    }
    return users;
  }

  static List<ChatConnection> connect(Vertx vertx, WebSocketClient client, int port, List<ChatConnection.User> users, String message) {
    return Load.inParallel(users, 64, u -> ChatConnection.open(vertx, client, port, u, message, CHUNKS), 600);
  }

  private static Future<Void> closeAll(List<ChatConnection> conns) {
    return Future.join(conns.stream().map(ChatConnection::close).toList()).mapEmpty();
  }

  // ------------------------------------------------------------------ throughput and added latency

  private record Throughput(Load.Run pipeline, Load.Run base, double ratio, double addedP99Ms) {
  }

  private static Throughput throughput(Vertx vertx, Api api, WebSocketClient client, MeasuredServer server, MeasuredServer baseline, Options o,
                                       PrintStream out) {
    List<ChatConnection.User> users = signUp(api, "chat", o.tenants(), o.usersPerTenant());
    List<ChatConnection> pc = connect(vertx, client, server.port, users, MESSAGE);
    List<ChatConnection> bc = connect(vertx, client, baseline.port, users, MESSAGE);
    out.printf(Locale.ROOT, "%n== throughput: %d tenants x %d users, one bridge WebSocket each, %d chunks a turn, zero pacing, closed loop%n",
        o.tenants(), o.usersPerTenant(), CHUNKS);
    Load.Run p = profiled(server, o, "pipeline-peak", out, () -> Load.closedLoop(vertx, "pipeline peak", pc, server, o.warmupMs(), o.measureMs()));
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
    Load.await(closeAll(pc).compose(v -> closeAll(bc)), 60);
    return new Throughput(p, b, ratio, addedP99);
  }

  private static void report(PrintStream out, Load.Run r) {
    LoadStats s = r.stats();
    out.printf(Locale.ROOT, "-- %s: %.0f turns/s over %.1f s, %d errors%s; server CPU %.2f cores, generator CPU %.2f cores; load avg %s%n",
        r.label(), r.turnsPerSecond(), r.seconds(), s.errors.sum(), s.errorKinds.isEmpty() ? "" : " " + s.errorKinds, r.serverCpuCores(),
        r.generatorCpuCores(), r.load());
    out.println("   time to first chunk  " + LoadStats.percentiles(s.firstChunk));
    out.println("   between chunks       " + LoadStats.percentiles(s.interChunk));
    out.println("   whole turn           " + LoadStats.percentiles(s.turn));
  }

  // ------------------------------------------------------------------ idle capacity

  private record Idle(double heapKbEach) {
  }

  /** The users of the capacity phases: many per tenant, as the idle connections need one each. */
  private static List<ChatConnection.User> capacityUsers(Api api, Options o, PrintStream out) {
    int perTenant = Math.min(o.idleUsersPerTenant(), o.idleConnections());
    int tenants = (o.idleConnections() + perTenant - 1) / perTenant;
    long t0 = System.nanoTime();
    List<ChatConnection.User> users = signUp(api, "idle", tenants, perTenant).subList(0, o.idleConnections());
    out.printf(Locale.ROOT, "%n== capacity: %d users signed up (%d tenants x %d) in %.1f s%n", users.size(), tenants, perTenant,
        (System.nanoTime() - t0) / 1e9);
    return users;
  }

  /** One turn on each connection: its session is opened and its actor activated. */
  private static LoadStats firstTurns(List<ChatConnection> conns) {
    LoadStats stats = new LoadStats();
    stats.recording = true;
    Load.inParallel(conns, 256, c -> {
      io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
      c.startTurn(stats, System.nanoTime(), p::complete);
      return p.future();
    }, 600);
    return stats;
  }

  private static Idle idle(Vertx vertx, WebSocketClient client, MeasuredServer server, List<ChatConnection.User> users, PrintStream out) {
    out.printf(Locale.ROOT, "%n== idle capacity: %d authenticated bridge connections, each registered on its client address with an active "
        + "session%n", users.size());
    long heap0 = server.heapAfterGcKb();
    long rss0 = server.rssKb();
    List<ChatConnection> conns = connect(vertx, client, server.port, users, MESSAGE);
    LoadStats stats = firstTurns(conns);
    long heap1 = server.heapAfterGcKb();
    long rss1 = server.rssKb();
    double each = (heap1 - heap0) / (double) conns.size();
    out.printf(Locale.ROOT, "-- %d connections: heap after GC %.1f -> %.1f MB: %.1f KB each (goal <= 20); RSS %.1f -> %.1f MB: %.1f KB each; "
            + "%d of their first turns failed %s; load avg %s%n", conns.size(), heap0 / 1024.0, heap1 / 1024.0, each, rss0 / 1024.0, rss1 / 1024.0,
        (rss1 - rss0) / (double) conns.size(), stats.errors.sum(), stats.errorKinds, Machine.loadAverage());
    Load.await(closeAll(conns), 120);
    return new Idle(each);
  }

  // ------------------------------------------------------------------ slow readers

  private static double slowReaders(Vertx vertx, Api api, MeasuredServer server, List<ChatConnection> conns, Options o, PrintStream out) {
    int turns = conns.size() * o.slowTurns();
    out.printf(Locale.ROOT, "%n== slow readers: %d connected clients stop reading, then send %d long turns each (%d in all)%n", conns.size(),
        o.slowTurns(), turns);
    long heap0 = server.heapAfterGcKb();
    long rss0 = server.rssKb();
    double settled0 = settledTurns(api);
    long done0 = ChatConnection.DONE.get();
    conns.forEach(ChatConnection::pause);
    conns.forEach(c -> c.fire(o.slowTurns(), LONG_MESSAGE));
    long t0 = System.nanoTime();
    double settled = settled0;
    while (settled < settled0 + turns && System.nanoTime() - t0 < 60_000_000_000L) {
      Load.pause(vertx, 250);
      settled = settledTurns(api);
    }
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
    while (ChatConnection.DONE.get() - done0 < turns && System.nanoTime() - r0 < 60_000_000_000L) {
      Load.pause(vertx, 100);
    }
    out.printf(Locale.ROOT, "   after reading again: %d of %d replies delivered in full within %.1f s%n", ChatConnection.DONE.get() - done0,
        turns, (System.nanoTime() - r0) / 1e9);
    Load.await(closeAll(conns), 60);
    return growthMb;
  }

  /** The server's count of settled turns (its Prometheus counter, all tiers and statuses). */
  private static double settledTurns(Api api) {
    String text = Load.await(api.get("/metrics", null), 30).bodyAsString();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("agentchat_turns_settled_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  // ------------------------------------------------------------------ metering

  private static MeteringBench.Result metering(Vertx vertx, Path dir, Options o, PrintStream out) {
    out.printf(Locale.ROOT, "%n== durable metering: turns reserved and settled with %d usage events each, acknowledged after commit%n",
        MeteringBench.EVENTS_PER_TURN);
    AppConfig sqliteCfg = AppConfig.from(TestApp.config(dir.resolve("metering")));
    Store sqlite = Load.await(Stores.open(vertx, sqliteCfg.store(), java.time.Clock.systemUTC()), 60);
    MeteringBench.Result r;
    try {
      r = profiledHere(o, "metering-sqlite", out, () -> MeteringBench.run(sqlite, "sqlite", o.warmupMs(), o.meteringMs(), 512));
    } finally {
      Load.await(sqlite.close(), 60);
    }
    reportMetering(out, "SQLite (WAL, group commit, synchronous)", r);
    if (o.dynaliteMs() > 0) {
      // dynalite wants a signature but checks none: static dummy credentials, as in the tests
      System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
      System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
      Dynalite dynalite = Dynalite.persistent(dir.resolve("dynalite"));
      try {
        AppConfig dc = AppConfig.from(dynalite.useIn(TestApp.config(dir.resolve("dyn")), "bench-"));
        Store dyn = Load.await(Stores.open(vertx, dc.store(), java.time.Clock.systemUTC()), 60);
        try {
          reportMetering(out, "DynamoDB adapter on dynalite (an EMULATOR on LevelDB: not a DynamoDB figure)",
              MeteringBench.run(dyn, "dynalite", o.warmupMs(), o.dynaliteMs(), 16));
        } finally {
          Load.await(dyn.close(), 60);
        }
      } finally {
        dynalite.stop();
      }
    }
    return r;
  }

  private static void reportMetering(PrintStream out, String label, MeteringBench.Result r) {
    Histogram h = r.commit();
    out.printf(Locale.ROOT, "-- %s: %.0f usage events/s (%d in %.1f s); write acknowledged after commit %s; load avg %s%n", label,
        r.eventsPerSecond(), r.events(), r.seconds(), LoadStats.percentiles(h), Machine.loadAverage());
  }

  // ------------------------------------------------------------------ files

  private static Path jfrFile(Options o, String name) {
    try {
      return Files.createDirectories(o.jfr()).resolve(name + ".jfr").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** With BENCH_JFR set, records this JVM (where the metering runs) while {@code body} runs and prints its hot methods. */
  private static <T> T profiledHere(Options o, String name, PrintStream out, java.util.function.Supplier<T> body) {
    if (o.jfr() == null) {
      return body.get();
    }
    Path file = jfrFile(o, name);
    try (jdk.jfr.Recording rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
      rec.start();
      T result = body.get();
      rec.stop();
      rec.dump(file);
      out.println("   JFR recording of the harness JVM during " + name + ": " + file);
      out.print(JfrSummary.hotMethods(file, 15));
      return result;
    } catch (IOException | java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("chat-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run's data directories (databases, config): nothing of a run is kept but what it printed and its JFR files. */
  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  private static JsonObject readJson(Path p) {
    try {
      return new JsonObject(Files.readString(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path p, JsonObject json) {
    try {
      Files.writeString(p, json.encodePrettily());
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
