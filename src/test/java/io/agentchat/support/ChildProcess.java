package io.agentchat.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every process the tests and benchmarks start goes through here: servers that run until stopped (dynalite,
 * cognito-local, server JVMs: {@link #startAndAwaitLine}) and commands that run to their end (the server refusing a bad
 * configuration, jcmd, ss: {@link #run}). Standard error is merged into standard output, which is always read, so that
 * a chatty child never blocks on a full pipe.
 */
public final class ChildProcess {
  private ChildProcess() {
  }

  /** A JVM running {@code mainClass} on this JVM's classpath, with {@code jvmOptions} before the class. */
  public static ProcessBuilder java(List<String> jvmOptions, String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(mainClass);
    return new ProcessBuilder(cmd);
  }

  /** The classpath of this JVM: the class loader's URLs under exec:java, else java.class.path (Surefire, plain java). */
  static String classpath() {
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader u && u.getURLs().length > 0) {
      List<String> parts = new ArrayList<>();
      for (URL url : u.getURLs()) {
        try {
          parts.add(new File(url.toURI()).getPath());
        } catch (URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(File.pathSeparator, parts);
    }
    return System.getProperty("java.class.path");
  }

  /** Starts the process and returns once a line of its output contains {@code readyMarker}; kills it on failure. */
  static Process startAndAwait(ProcessBuilder pb, String name, String readyMarker, int timeoutSeconds) {
    return startAndAwaitLine(pb, name, readyMarker, timeoutSeconds).process();
  }

  /** A started process and the first line of its output that held the ready marker. */
  public record Started(Process process, String readyLine) {
  }

  /**
   * Starts the process and returns once a line of its output contains {@code readyMarker}, with that line; the rest of
   * its output is read and dropped. Kills it on failure.
   */
  public static Started startAndAwaitLine(ProcessBuilder pb, String name, String readyMarker, int timeoutSeconds) {
    Process p = start(pb);
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      ArrayDeque<String> last = new ArrayDeque<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.contains(readyMarker)) {
            ready.complete(line);
          } else if (!ready.isDone()) {
            // what it said before it failed to start, for the error
            last.add(line);
            if (last.size() > 20) {
              last.poll();
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException(name + " stopped before it listened:\n" + String.join("\n", last)));
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

  /** A process that ran to its end: its exit code and everything it wrote. */
  public record Exited(int code, String output) {
    /** The lines of its output that are not blank. */
    public List<String> lines() {
      return output.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  /**
   * Runs the process to its end and returns its exit code and output; fails (and kills it) if it is still running after
   * {@code timeoutSeconds}. An {@link UncheckedIOException} when it cannot be started (the command is not installed).
   */
  public static Exited run(ProcessBuilder pb, int timeoutSeconds) {
    Process p = start(pb);
    String what = String.join(" ", pb.command());
    CompletableFuture<String> output = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        output.completeExceptionally(e);
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    boolean exited;
    try {
      exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = false;
    }
    if (!exited) {
      stop(p);
      throw new IllegalStateException(what + " still running after " + timeoutSeconds + " s");
    }
    try {
      return new Exited(p.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException(what + ": its output could not be read", e);
    }
  }

  /** Runs a command to its end and returns its output; fails unless it exits with 0. */
  public static String output(List<String> command, int timeoutSeconds) {
    Exited e = run(new ProcessBuilder(command), timeoutSeconds);
    if (e.code() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + e.output());
    }
    return e.output();
  }

  private static Process start(ProcessBuilder pb) {
    try {
      return pb.redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the process and waits until it is gone (its port is then free). */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
