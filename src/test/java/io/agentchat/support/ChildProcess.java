package io.agentchat.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Helpers for the npm servers the tests run as child processes (dynalite, cognito-local). */
final class ChildProcess {
  private ChildProcess() {
  }

  /** Starts the process and returns once a line of its output contains {@code readyMarker}; kills it on failure. */
  static Process startAndAwait(ProcessBuilder pb, String name, String readyMarker, int timeoutSeconds) {
    return startAndAwaitLine(pb, name, readyMarker, timeoutSeconds).process();
  }

  /** A started process and the first line of its output that contained the ready marker. */
  record Started(Process process, String line) {
  }

  /** Like {@link #startAndAwait}, also returning the ready line (which may carry a port). */
  static Started startAndAwaitLine(ProcessBuilder pb, String name, String readyMarker, int timeoutSeconds) {
    Process p;
    try {
      p = pb.redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.contains(readyMarker)) {
            ready.complete(line);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException(name + " stopped before it listened"));
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new Started(p, ready.get(timeoutSeconds, TimeUnit.SECONDS));
    } catch (Exception e) {
      stop(p);
      throw new IllegalStateException(name + " did not start", e);
    }
  }

  /** Stops the process and waits until it is gone (its port is then free). */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
