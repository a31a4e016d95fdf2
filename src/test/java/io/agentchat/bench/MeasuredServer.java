package io.agentchat.bench;

import io.agentchat.support.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in a JVM of its own, started from this JVM's classpath and stopped with SIGTERM. Reads its CPU time
 * and resident memory from {@code /proc} and its heap after a full collection with {@code jcmd}.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  final String name;
  final Process process;
  final int port;

  private ServerProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /** Starts {@code mainClass} with the JVM options and environment given; returns once it logs the port it listens on. */
  static ServerProcess start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(mainClass);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    ChildProcess.Started s = ChildProcess.startAndAwaitLine(pb, name, "listening on http://127.0.0.1:", 120);
    Matcher m = PORT.matcher(s.readyLine());
    if (!m.find()) {
      ChildProcess.stop(s.process());
      throw new IllegalStateException(name + " logged no port: " + s.readyLine());
    }
    // an interrupted harness leaves no server behind
    Runtime.getRuntime().addShutdownHook(new Thread(s.process()::destroy, name + "-stop"));
    return new ServerProcess(name, s.process(), Integer.parseInt(m.group(1)));
  }

  /** The classpath of this JVM: the class loader's URLs under exec:java, else java.class.path (Surefire, plain java). */
  static String classpath() {
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader u && u.getURLs().length > 0) {
      List<String> parts = new ArrayList<>();
      for (URL url : u.getURLs()) {
        try {
          parts.add(new File(url.toURI()).getPath());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(File.pathSeparator, parts);
    }
    return System.getProperty("java.class.path");
  }

  long pid() {
    return process.pid();
  }

  /** User plus system CPU time of the process so far, in seconds. */
  double cpuSeconds() {
    String stat = read("/proc/" + pid() + "/stat");
    // the command name in parentheses may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
  }

  /** Resident set size in KiB. */
  long rssKb() {
    for (String line : read("/proc/" + pid() + "/status").split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid());
  }

  /** Runs a full collection in the server and returns the heap then in use, in KiB. */
  long heapAfterGcKb() {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("unexpected GC.heap_info: " + info);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Bytes that the kernel holds for this server's TCP connections: its send queues plus its clients' receive queues (from
   * {@code ss}, from iproute2; -1 where it is not installed); what a slow reader has not taken yet and the JVM no longer holds.
   */
  long kernelQueuedBytes() {
    long sum = 0;
    for (String[] filter : new String[][] {{"sport", "1"}, {"dport", "0"}}) {
      String out;
      try {
        out = run(List.of("ss", "-tnH", "state", "established", "( " + filter[0] + " = :" + port + " )"));
      } catch (UncheckedIOException e) {
        return -1;
      }
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2) {
          sum += Long.parseLong(f[Integer.parseInt(filter[1])]);
        }
      }
    }
    return sum;
  }

  String jcmd(String... command) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(pid()));
    cmd.addAll(List.of(command));
    return run(cmd);
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ChildProcess.stop(process);
  }
}
