package io.agentchat.bench;

import io.agentchat.support.ChildProcess;
import io.agentchat.support.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in a JVM of its own (a {@link ServerProcess}, stopped with SIGTERM), measured from outside: its CPU
 * time and resident memory from {@code /proc}, its heap after a full collection with {@code jcmd}, the bytes the kernel
 * queues for its connections with {@code ss}.
 */
final class MeasuredServer implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;
  private static final int COMMAND_SECONDS = 120;

  private final ServerProcess server;
  final int port;

  private MeasuredServer(ServerProcess server) {
    this.server = server;
    this.port = server.port();
  }

  /** Starts {@code mainClass} with the JVM options and environment given; returns once it logs the port it listens on. */
  static MeasuredServer start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env) {
    return start(name, mainClass, jvmOptions, env, List.of());
  }

  /** The same, run through {@code launcher} ({@code taskset -c 0} to pin it to one core). */
  static MeasuredServer start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env, List<String> launcher) {
    return new MeasuredServer(ServerProcess.start(name, mainClass, jvmOptions, env, launcher));
  }

  long pid() {
    return server.pid();
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
        out = ChildProcess.output(List.of("ss", "-tnH", "state", "established", "( " + filter[0] + " = :" + port + " )"), COMMAND_SECONDS);
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
    return ChildProcess.output(cmd, COMMAND_SECONDS);
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
    server.close();
  }
}
