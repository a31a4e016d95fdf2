package io.agentchat.bench;

import io.agentchat.config.AppConfig;
import io.agentchat.store.Store;
import io.agentchat.store.Stores;
import io.agentchat.support.Api;
import io.agentchat.support.Dynalite;
import io.agentchat.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
   * of the SQLite metering run, with their hot methods), BENCH_PHASES (comma-separated: chat, capacity, scaling,
   * metering), BENCH_SERVER_JVM (the measured servers' JVM options).
   */
  public record Options(int tenants, int usersPerTenant, long warmupMs, long measureMs, int idleConnections, int idleUsersPerTenant,
                        int slowReaders, int slowTurns, long meteringMs, long dynaliteMs, Path jfr, Set<String> phases) {
    public static Options fromEnv(Map<String, String> env) {
      String jfr = env.getOrDefault("BENCH_JFR", "");
      Set<String> phases = Set.of(env.getOrDefault("BENCH_PHASES", "chat,capacity,scaling,metering").split(","));
      return new Options(num(env, "BENCH_TENANTS", 4), num(env, "BENCH_USERS", 25), num(env, "BENCH_WARMUP_SECONDS", 5) * 1000L,
          num(env, "BENCH_SECONDS", 10) * 1000L, num(env, "BENCH_IDLE", 10_000), num(env, "BENCH_IDLE_USERS_PER_TENANT", 200),
          num(env, "BENCH_SLOW_READERS", 200), num(env, "BENCH_SLOW_TURNS", 20), num(env, "BENCH_METERING_SECONDS", 10) * 1000L,
          num(env, "BENCH_DYNALITE_SECONDS", 5) * 1000L, jfr.isBlank() ? null : Path.of(jfr), phases);
    }

    /** About ten seconds of load in all: every phase runs, on a few users. */
    public static Options smoke() {
      return new Options(1, 4, 500, 1500, 20, 10, 4, 2, 1000, 0, null, Set.of("chat", "capacity", "scaling", "metering"));
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
    ThroughputPhase.Throughput t = null;
    CapacityPhase.Capacity capacity = null;
    try {
      if (o.phases().contains("chat") || o.phases().contains("capacity")) {
        try (MeasuredServer server = startServer(dir)) {
          Api api = new Api(vertx, server.port);
          if (o.phases().contains("chat")) {
            try (MeasuredServer baseline = MeasuredServer.start("baseline", BaselineServer.class.getName(), serverJvm(),
                Map.of("BASELINE_CHUNKS", String.valueOf(CHUNKS)))) {
              WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
              t = ThroughputPhase.run(vertx, api, ws, server, baseline, o, out);
            }
          }
          if (o.phases().contains("capacity")) {
            // small receive buffers on the connections that later stop reading, so that little of what the server sends can
            // sit in the reader's kernel buffer
            WebSocketClient small = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setReceiveBufferSize(16 * 1024));
            capacity = CapacityPhase.run(vertx, api, small, server, o, out);
          }
          api.close();
        }
      }
      double scaling = o.phases().contains("scaling") ? ScalingPhase.run(vertx, dir, o, out) : Double.NaN;
      MeteringBench.Result sqlite = o.phases().contains("metering") ? metering(vertx, dir, o, out) : null;
      String summary = String.format(Locale.ROOT,
          "bench: ratio=%.2f turns_per_s=%.0f added_ttft_p99_ms=%.2f idle_heap_kb=%.1f metering_events_per_s=%.0f slow_reader_heap_mb=%.1f"
              + " core_scaling=%.2f",
          t == null ? Double.NaN : t.ratio(), t == null ? Double.NaN : t.pipeline().turnsPerSecond(), t == null ? Double.NaN : t.addedP99Ms(),
          capacity == null ? Double.NaN : capacity.idleHeapKbEach(), sqlite == null ? Double.NaN : sqlite.eventsPerSecond(),
          capacity == null ? Double.NaN : capacity.slowReaderHeapMb(), scaling);
      out.println(summary);
      return summary;
    } finally {
      Load.await(vertx.close(), 60);
      deleteTree(dir);
    }
  }

  /** With BENCH_JFR set, records the product server with JFR while {@code body} runs and prints its hot methods. */
  static <T> T profiled(MeasuredServer server, Options o, String name, PrintStream out, java.util.function.Supplier<T> body) {
    if (o.jfr() == null) {
      return body.get();
    }
    Path file = jfrFile(o, name);
    server.jcmd("JFR.start", "name=" + name, "settings=" + System.getenv().getOrDefault("BENCH_JFR_SETTINGS", "profile"));
    T result = body.get();
    server.jcmd("JFR.stop", "name=" + name, "filename=" + file);
    out.println("   JFR recording of the server during " + name + ": " + file);
    out.print(JfrSummary.hotMethods(file, 15));
    return result;
  }

  // ------------------------------------------------------------------ the server

  /**
   * The JVM options of the measured servers (the product and the baseline alike): BENCH_SERVER_JVM (to compare collectors,
   * for example), else a 2 GB heap and the JVM's defaults.
   */
  static List<String> serverJvm() {
    String opts = System.getenv().getOrDefault("BENCH_SERVER_JVM", "-Xmx2g");
    return List.of(opts.trim().split("\\s+"));
  }

  private static MeasuredServer startServer(Path dir) {
    return startServer(dir, List.of());
  }

  /** The product server with the benchmark's settings, its own data under {@code dir}, started through {@code launcher}. */
  static MeasuredServer startServer(Path dir, List<String> launcher) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    JsonObject cfg = TestApp.config(dir.resolve("data"));
    // the figures are the server's, not the abuse limits': sign-up and turn rates, quotas, session counts and the connections
    // of one address (every client of the benchmark is on loopback) lifted
    cfg.getJsonObject("http").put("authAttemptsPerMinute", 1_000_000).put("turnsPerUserPerMinute", 1_000_000)
        .put("turnsPerTenantPerMinute", 10_000_000).put("maxConnectionsPerAddress", 0);
    cfg.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 0).put("chunks", CHUNKS);
    // 10,000 sign-ups must not dominate the run: Argon2id at its smallest cost (password hashing is not what is measured)
    cfg.getJsonObject("auth").getJsonObject("local").put("argon2", new JsonObject().put("memoryKiB", 8).put("iterations", 1).put("parallelism", 1));
    JsonObject tiers = readJson(Path.of("conf", "tiers.json"));
    tiers.getJsonObject("premium").put("daily_messages", 10_000_000).put("monthly_messages", 10_000_000);
    cfg.getJsonObject("tiers").put("file", write(dir.resolve("tiers.json"), tiers).toString());
    Path conf = write(dir.resolve("config.json"), cfg);
    MeasuredServer s = MeasuredServer.start("agent-chat", "io.agentchat.Main", serverJvm(), Map.of("CONFIG_FILE", conf.toString()), launcher);
    LOG.info("server pid {} on port {}", s.pid(), s.port);
    return s;
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
