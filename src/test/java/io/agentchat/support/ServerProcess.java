package io.agentchat.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server itself ({@code io.agentchat.Main}) in a child JVM on the test classpath, with a configuration file (the same
 * JSON the in-process tests use), so that tests can stop it with SIGTERM or kill it with SIGKILL.
 */
public final class ServerProcess {
  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the server with {@code config} (its http.port should be 0) and returns once it listens. */
  public static ServerProcess start(JsonObject config, Path confFile) {
    try {
      Files.writeString(confFile, config.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dconf=" + confFile, "-cp", System.getProperty("java.class.path"),
        "io.agentchat.Main"));
    pb.environment().keySet().removeIf(k -> k.startsWith("HTTP_") || k.startsWith("DATA_DIR") || k.startsWith("STORE_"));
    ChildProcess.Started s = ChildProcess.startAndAwaitLine(pb, "agent-chat", "listening on http://127.0.0.1:", 60);
    String line = s.readyLine();
    int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    return new ServerProcess(s.process(), port);
  }

  public int port() {
    return port;
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

  /** Ends the process if a test left it running. */
  public void close() {
    ChildProcess.stop(process);
  }
}
