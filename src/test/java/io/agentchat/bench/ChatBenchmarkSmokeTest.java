package io.agentchat.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark harness runs every phase on a few users and ends with a well-formed summary line; no figure is judged. */
class ChatBenchmarkSmokeTest {
  private static final Pattern SUMMARY = Pattern.compile("bench: ratio=\\d+\\.\\d+ turns_per_s=(\\d+) added_ttft_p99_ms=-?\\d+\\.\\d+ "
      + "idle_heap_kb=-?\\d+\\.\\d+ metering_events_per_s=\\d+ slow_reader_heap_mb=-?\\d+\\.\\d+ core_scaling=(\\d+\\.\\d+|NaN)");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void harnessCompletesWithASummaryLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String returned;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      returned = ChatBenchmark.run(ChatBenchmark.Options.smoke(), out);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.equals(returned), "the summary is the last line printed: " + last);
    Matcher m = SUMMARY.matcher(last);
    assertTrue(m.matches(), "well-formed summary: " + last);
    assertTrue(Long.parseLong(m.group(1)) > 0, "turns were completed: " + last);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("-- pipeline peak:")), "the pipeline was driven");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("-- baseline peak:")), "the baseline was driven");
  }
}
