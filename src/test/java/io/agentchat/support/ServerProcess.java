package io.agentchat.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a JVM of its own on this JVM's classpath (the product's {@code io.agentchat.Main}, or the benchmark's
 * baseline), started through {@link ChildProcess} and ready once it logs the port it listens on; so that tests can stop it
 * with SIGTERM or kill it with SIGKILL, and benchmarks can measure it from outside.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final String name;
  private final Process process;
  private final int port;

  private ServerProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /**
   * The product with {@code config} written to {@code confFile} (the same JSON the in-process tests use; its http.port
   * should be 0); none of this JVM's environment overrides it.
   */
  public static ServerProcess start(JsonObject config, Path confFile) {
    try {
      Files.writeString(confFile, config.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb = ChildProcess.java(List.of("-Xmx256m", "-Dconf=" + confFile), "io.agentchat.Main");
    pb.environment().keySet().removeIf(k -> k.startsWith("HTTP_") || k.startsWith("DATA_DIR") || k.startsWith("STORE_"));
    return start("agent-chat", pb);
  }

  /** {@code mainClass} with the JVM options and environment given. */
  public static ServerProcess start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env) {
    return start(name, mainClass, jvmOptions, env, List.of());
  }

  /** The same, the command run through {@code launcher} (e.g. {@code taskset -c 0}, which runs it on the first core only). */
  public static ServerProcess start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env, List<String> launcher) {
    ProcessBuilder pb = ChildProcess.java(jvmOptions, mainClass);
    pb.command().addAll(0, launcher);
    pb.environment().putAll(env);
    return start(name, pb);
  }

  /**
   * The product with {@code env} added to this JVM's environment, expected to stop by itself (on a configuration it
   * refuses): its exit code and output. Fails if it still runs after 60 s.
   */
  public static ChildProcess.Exited runToExit(Map<String, String> env) {
    ProcessBuilder pb = ChildProcess.java(List.of(), "io.agentchat.Main");
    pb.environment().putAll(env);
    return ChildProcess.run(pb, 60);
  }

  private static ServerProcess start(String name, ProcessBuilder pb) {
    ChildProcess.Started s = ChildProcess.startAndAwaitLine(pb, name, "listening on http://127.0.0.1:", 120);
    Matcher m = PORT.matcher(s.readyLine());
    if (!m.find()) {
      ChildProcess.stop(s.process());
      throw new IllegalStateException(name + " logged no port: " + s.readyLine());
    }
    // an interrupted test run or benchmark leaves no server behind
    Runtime.getRuntime().addShutdownHook(new Thread(s.process()::destroy, name + "-stop"));
    return new ServerProcess(name, s.process(), Integer.parseInt(m.group(1)));
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM: the server's clean stop. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the process to end; true if it did within the time. */
  public boolean awaitExit(long millis) {
    try {
      return process.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the process if it still runs and waits until it is gone. */
  @Override
  public void close() {
    ChildProcess.stop(process);
  }
}
