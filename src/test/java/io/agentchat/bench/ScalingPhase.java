package io.agentchat.bench;

import static io.agentchat.bench.ChatBenchmark.MESSAGE;

import io.agentchat.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How the server's peak grows with cores: the pipeline's peak (closed loop, as in the chat phase) with the server pinned to
 * one core ({@code taskset -c 0}) and then to two ({@code taskset -c 0,1}), each a fresh server with its own users; the
 * figure is the second peak over the first. The generator is not pinned: on a two-core machine it shares the second core
 * with the server in the two-core run, which is part of what the figure shows.
 */
final class ScalingPhase {
  private ScalingPhase() {
  }

  /** The two-core peak over the one-core peak; NaN on a machine with fewer than two cores. */
  static double run(Vertx vertx, Path dir, ChatBenchmark.Options o, PrintStream out) {
    out.printf(Locale.ROOT, "%n== core scaling: the pipeline's peak with the server pinned to 1 core, then to 2 (taskset)%n");
    if (Runtime.getRuntime().availableProcessors() < 2) {
      out.println("   skipped: this machine has fewer than two cores");
      return Double.NaN;
    }
    double one = peak(vertx, dir.resolve("scaling-1"), "0", o, out);
    double two = peak(vertx, dir.resolve("scaling-2"), "0,1", o, out);
    double scaling = one == 0 ? 0 : two / one;
    out.printf(Locale.ROOT, "   core scaling (2 cores / 1 core): %.2f (goal >= 1.7)%n", scaling);
    return scaling;
  }

  private static double peak(Vertx vertx, Path dir, String cpus, ChatBenchmark.Options o, PrintStream out) {
    try (MeasuredServer server = ChatBenchmark.startServer(dir, List.of("taskset", "-c", cpus))) {
      Api api = new Api(vertx, server.port);
      WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
      try {
        List<ChatConnection.User> users = ChatConnection.signUp(api, "scale", o.tenants(), o.usersPerTenant());
        List<ChatConnection> conns = ChatConnection.openAll(vertx, ws, server.port, users, MESSAGE);
        Load.Run r = Load.closedLoop(vertx, "pipeline peak on cpus " + cpus, conns, server, o.warmupMs(), o.measureMs());
        ThroughputPhase.report(out, r);
        Load.await(ChatConnection.closeAll(conns), 60);
        return r.turnsPerSecond();
      } finally {
        ws.close();
        api.close();
      }
    }
  }
}
