package io.agentchat.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What one load run measured: turns, errors by kind, and latencies in microseconds; only while recording is on. */
final class LoadStats {
  private static final long MAX_MICROS = 600_000_000L;

  final Histogram firstChunk = new ConcurrentHistogram(MAX_MICROS, 3);
  final Histogram interChunk = new ConcurrentHistogram(MAX_MICROS, 3);
  final Histogram turn = new ConcurrentHistogram(MAX_MICROS, 3);
  final LongAdder turns = new LongAdder();
  final LongAdder errors = new LongAdder();
  final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  volatile boolean recording;

  void firstChunk(long micros) {
    if (recording) {
      firstChunk.recordValue(Math.min(micros, MAX_MICROS));
    }
  }

  void interChunk(long micros) {
    if (recording) {
      interChunk.recordValue(Math.min(micros, MAX_MICROS));
    }
  }

  void turnEnded(String error, long micros) {
    if (!recording) {
      return;
    }
    if (error == null) {
      turns.increment();
      turn.recordValue(Math.min(micros, MAX_MICROS));
    } else {
      errors.increment();
      // the kind only: the text before the first colon or digit keeps the map small
      String kind = error.split("[:0-9]", 2)[0].trim();
      errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }
  }

  /** "p50 0.41 p90 0.88 p99 2.10 p99.9 5.02 ms" */
  static String percentiles(Histogram h) {
    return String.format(java.util.Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f ms (n=%d)", ms(h, 50), ms(h, 90), ms(h, 99),
        ms(h, 99.9), h.getTotalCount());
  }

  static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
