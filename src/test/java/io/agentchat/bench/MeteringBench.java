package io.agentchat.bench;

import io.agentchat.metering.Pricing;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.Store;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Durable metering throughput of a store: turns reserved and settled as the chat path does (a reservation, then a
 * settlement recording the three usage events of an offline turn), many in flight; an event counts once its settlement
 * is acknowledged, which the store does only after the commit. Latency is from the call to the acknowledgement.
 */
final class MeteringBench {
  static final int EVENTS_PER_TURN = 3;

  private MeteringBench() {
  }

  record Result(String label, long events, double seconds, Histogram commit) {
    double eventsPerSecond() {
      return events / seconds;
    }
  }

  private static final int USERS = 100;

  /** A warm-up run (JIT, page cache, connections), then the measured one; sessions are opened first, as turns need one. */
  static Result run(Store store, String label, long warmupMillis, long millis, int inFlight) {
    Instant now = Instant.now();
    List<Future<SessionRecord>> sessions = new java.util.ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      sessions.add(store.sessions().createSession(new SessionRecord("bench", "s-" + user(u), user(u), "premium", now, now.plus(Duration.ofDays(1)), null, 0),
          Integer.MAX_VALUE));
    }
    Load.await(Future.all(sessions), 120);
    measure(store, label + "-warmup", warmupMillis, inFlight);
    return measure(store, label, millis, inFlight);
  }

  private static Result measure(Store store, String label, long millis, int inFlight) {
    Histogram commit = new ConcurrentHistogram(600_000_000L, 3);
    AtomicLong events = new AtomicLong();
    AtomicLong turns = new AtomicLong();
    AtomicInteger open = new AtomicInteger(inFlight);
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      if (System.nanoTime() >= end || done.future().isComplete()) {
        if (open.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      long n = turns.incrementAndGet();
      timed(commit, () -> store.usage().reserveTurn(reserve(label, n)))
          .compose(r -> timed(commit, () -> store.usage().settleTurn(settle(label, n))))
          .onSuccess(s -> {
            events.addAndGet(EVENTS_PER_TURN);
            worker[0].run();
          })
          .onFailure(done::tryFail);
    };
    for (int i = 0; i < inFlight; i++) {
      worker[0].run();
    }
    Load.await(done.future(), millis / 1000 + 120);
    return new Result(label, events.get(), (System.nanoTime() - start) / 1e9, commit);
  }

  private static <T> Future<T> timed(Histogram h, java.util.function.Supplier<Future<T>> call) {
    long t0 = System.nanoTime();
    return call.get().onSuccess(v -> h.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0), 600_000_000L)));
  }

  private static String user(long n) {
    return "user-" + n % USERS;
  }

  private static ReserveRequest reserve(String label, long n) {
    Instant now = Instant.now();
    String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
    return new ReserveRequest("bench", user(n), "s-" + user(n), label + "-" + n, null, "benchmark turn", "d:" + day, "m:" + day.substring(0, 7),
        Integer.MAX_VALUE, Integer.MAX_VALUE, now);
  }

  private static SettleRequest settle(String label, long n) {
    Instant now = Instant.now();
    String turn = label + "-" + n;
    String u = user(n);
    List<UsageEvent> ev = List.of(
        new UsageEvent(turn + "/invocation", "bench", u, "s-" + u, turn, UsageKind.INVOCATION, Pricing.AGENT_RUNTIME, "orchestration", 1, 1_000_000, false, now),
        new UsageEvent(turn + "/input_tokens", "bench", u, "s-" + u, turn, UsageKind.INPUT_TOKENS, Pricing.BEDROCK_MODELS, "offline", 20, 5_000, true, now),
        new UsageEvent(turn + "/output_tokens", "bench", u, "s-" + u, turn, UsageKind.OUTPUT_TOKENS, Pricing.BEDROCK_MODELS, "offline", 80, 100_000, true,
            now));
    return new SettleRequest("bench", u, "s-" + u, turn, "completed", "a benchmark reply", ev, false, now);
  }
}
