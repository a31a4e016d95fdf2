package io.agentchat.support;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * dynalite (a DynamoDB implementation on LevelDB, pinned in src/test/tools/package.json and installed by the build) run as
 * a child process on a free port: in memory, or persisted in a directory so that it can be stopped and started again on
 * the same port with its data.
 */
public final class Dynalite {
  private static final Path BIN = Path.of("src", "test", "tools", "node_modules", ".bin", "dynalite");
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static Dynalite shared;

  private final int port;
  private final Path dataDir;
  private Process process;

  private Dynalite(int port, Path dataDir) {
    this.port = port;
    this.dataDir = dataDir;
  }

  /** One in-memory instance for the whole test run, started on first use and stopped when the test JVM exits. */
  public static synchronized Dynalite shared() {
    if (shared == null) {
      Dynalite d = new Dynalite(Ports.free(), null);
      d.start();
      Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "dynalite-stop"));
      shared = d;
    }
    return shared;
  }

  /** A private instance that keeps its tables in {@code dataDir}; the caller stops it. */
  public static Dynalite persistent(Path dataDir) {
    Dynalite d = new Dynalite(Ports.free(), dataDir);
    d.start();
    return d;
  }

  /** A table prefix no other test uses, so each test starts with empty tables. */
  public static String uniquePrefix() {
    return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "-";
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The store section of a test configuration that points the application at this instance. */
  public JsonObject storeConfig(String prefix) {
    return new JsonObject().put("region", "us-east-1").put("endpoint", endpoint()).put("tablePrefix", prefix).put("createTables", true)
        .put("callTimeoutMs", 3000);
  }

  /** The application's test configuration with the DynamoDB store on this instance. */
  public JsonObject useIn(JsonObject config, String prefix) {
    config.getJsonObject("store").put("provider", "dynamodb").put("dynamodb", storeConfig(prefix));
    return config;
  }

  /** Starts the process (again, on the same port and with the same data) and returns once it listens. */
  public synchronized void start() {
    if (!Files.isExecutable(BIN)) {
      throw new IllegalStateException(BIN + " is missing: the build installs it with npm ci in src/test/tools (Node 20 and npm needed)");
    }
    List<String> cmd = new ArrayList<>(List.of(BIN.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1",
        "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
    if (dataDir != null) {
      cmd.add("--path");
      cmd.add(dataDir.toString());
    }
    try {
      process = ChildProcess.startAndAwait(new ProcessBuilder(cmd), "dynalite", "listening", 30);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("dynalite did not start on port " + port, e);
    }
  }

  /** Stops the process and waits until it is gone (its port is then free). */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    ChildProcess.stop(process);
    process = null;
  }
}
