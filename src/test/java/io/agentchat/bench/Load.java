package io.agentchat.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives turns over a set of connections: closed loop (each connection starts its next turn as soon as the last one is
 * done: the peak rate) or open loop (turns start on a fixed schedule whatever the server does, and latency counts from
 * the scheduled start, so a stalled server cannot hide its queueing).
 */
final class Load {
  private static final Logger LOG = LoggerFactory.getLogger("bench");

  private Load() {
  }

  /** One measured run: what the generator saw and what the server spent meanwhile. */
  record Run(String label, double seconds, LoadStats stats, double serverCpuCores, double generatorCpuCores, String load) {
    double turnsPerSecond() {
      return stats.turns.sum() / seconds;
    }
  }

  /** Waits for {@code f} from the harness's main thread (never an event loop); its failure or the timeout as an IllegalStateException. */
  static <T> T await(Future<T> f, long seconds) {
    try {
      return f.await(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e);
    }
  }

  /** Waits on a Vert.x timer (the caller is the harness's main thread, never an event loop). */
  static void pause(Vertx vertx, long millis) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> p.complete());
    await(p.future(), millis / 1000 + 10);
  }

  /** Runs {@code step} on each item with at most {@code parallel} in flight; completes with the results in order. */
  static <T, R> List<R> inParallel(List<T> items, int parallel, Function<T, Future<R>> step, long timeoutSeconds) {
    @SuppressWarnings("unchecked")
    R[] out = (R[]) new Object[items.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(items.size());
    Promise<Void> all = Promise.promise();
    if (items.isEmpty()) {
      return List.of();
    }
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= items.size()) {
        return;
      }
      step.apply(items.get(i)).onComplete(ar -> {
        if (ar.failed()) {
          all.tryFail(ar.cause());
          return;
        }
        out[i] = ar.result();
        if (left.decrementAndGet() == 0) {
          all.tryComplete();
        } else {
          worker[0].run();
        }
      });
    };
    for (int w = 0; w < Math.min(parallel, items.size()); w++) {
      worker[0].run();
    }
    await(all.future(), timeoutSeconds);
    return java.util.Arrays.asList(out);
  }

  static Run closedLoop(Vertx vertx, String label, List<ChatConnection> conns, MeasuredServer server, long warmupMs, long measureMs) {
    LoadStats stats = new LoadStats();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger active = new AtomicInteger(conns.size());
    Promise<Void> drained = Promise.promise();
    for (ChatConnection c : conns) {
      next(c, stats, running, () -> {
        if (active.decrementAndGet() == 0) {
          drained.tryComplete();
        }
      });
    }
    Run run = measure(vertx, label, stats, server, warmupMs, measureMs);
    running.set(false);
    drain(drained.future(), label);
    return run;
  }

  private static void next(ChatConnection c, LoadStats stats, AtomicBoolean running, Runnable stopped) {
    c.startTurn(stats, System.nanoTime(), () -> {
      if (running.get() && !c.isClosed()) {
        next(c, stats, running, stopped);
      } else {
        stopped.run();
      }
    });
  }

  static Run openLoop(Vertx vertx, String label, List<ChatConnection> conns, MeasuredServer server, double perSecond, long warmupMs,
                      long measureMs) {
    LoadStats stats = new LoadStats();
    ConcurrentLinkedQueue<ChatConnection> idle = new ConcurrentLinkedQueue<>(conns);
    ConcurrentLinkedQueue<Long> backlog = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Promise<Void> drained = Promise.promise();
    AtomicInteger idleCount = new AtomicInteger(conns.size());
    long start = System.nanoTime();
    long[] issued = {0};
    long timer = vertx.setPeriodic(1, id -> {
      // turn k is due at start + k / rate
      long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond) + 1;
      while (issued[0] < due) {
        long intended = start + (long) (issued[0]++ * 1e9 / perSecond);
        ChatConnection c = idle.poll();
        if (c == null) {
          backlog.add(intended);
        } else {
          idleCount.decrementAndGet();
          scheduled(c, stats, intended, backlog, idle, idleCount, running, conns.size(), drained);
        }
      }
    });
    Run run = measure(vertx, label, stats, server, warmupMs, measureMs);
    vertx.cancelTimer(timer);
    running.set(false);
    if (idleCount.get() == conns.size()) {
      drained.tryComplete();
    }
    drain(drained.future(), label);
    if (!backlog.isEmpty()) {
      LOG.warn("{}: {} scheduled turns never started (the server fell behind the schedule)", label, backlog.size());
    }
    return run;
  }

  private static void scheduled(ChatConnection c, LoadStats stats, long intended, ConcurrentLinkedQueue<Long> backlog,
                                ConcurrentLinkedQueue<ChatConnection> idle, AtomicInteger idleCount, AtomicBoolean running, int total,
                                Promise<Void> drained) {
    c.startTurn(stats, intended, () -> {
      Long late = running.get() && !c.isClosed() ? backlog.poll() : null;
      if (late != null) {
        scheduled(c, stats, late, backlog, idle, idleCount, running, total, drained);
        return;
      }
      idle.add(c);
      if (idleCount.incrementAndGet() == total && !running.get()) {
        drained.tryComplete();
      }
    });
  }

  private static Run measure(Vertx vertx, String label, LoadStats stats, MeasuredServer server, long warmupMs, long measureMs) {
    pause(vertx, warmupMs);
    double cpu0 = server.cpuSeconds();
    double gen0 = generatorCpuSeconds();
    long t0 = System.nanoTime();
    stats.recording = true;
    pause(vertx, measureMs);
    stats.recording = false;
    double seconds = (System.nanoTime() - t0) / 1e9;
    Run run = new Run(label, seconds, stats, (server.cpuSeconds() - cpu0) / seconds, (generatorCpuSeconds() - gen0) / seconds,
        Machine.loadAverage());
    LOG.info("{}: {} turns/s", label, String.format(java.util.Locale.ROOT, "%.0f", run.turnsPerSecond()));
    return run;
  }

  private static void drain(Future<Void> drained, String label) {
    try {
      await(drained, 60);
    } catch (IllegalStateException e) {
      LOG.warn("{}: turns still open a minute after the run ended", label);
    }
  }

  static double generatorCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
        / 1e9;
  }
}
