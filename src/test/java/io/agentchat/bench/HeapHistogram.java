package io.agentchat.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of the measured server by class ({@code jcmd GC.class_histogram}, taken after a full collection), so that
 * a heap figure can say what it is made of: the difference of two histograms, per item (connection, turn) measured.
 */
final class HeapHistogram {
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  private record Row(long instances, long bytes) {
  }

  private final Map<String, Row> rows = new HashMap<>();

  private HeapHistogram() {
  }

  static HeapHistogram of(MeasuredServer server) {
    HeapHistogram h = new HeapHistogram();
    Matcher m = ROW.matcher(server.jcmd("GC.class_histogram"));
    while (m.find()) {
      h.rows.put(m.group(3), new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }
    return h;
  }

  /** The classes that grew most from {@code before} to this one, as bytes and instances per item. */
  String growthSince(HeapHistogram before, int items, int top) {
    Map<String, Row> grown = new HashMap<>();
    rows.forEach((cls, r) -> {
      Row b = before.rows.getOrDefault(cls, new Row(0, 0));
      grown.put(cls, new Row(r.instances() - b.instances(), r.bytes() - b.bytes()));
    });
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "   heap growth by class, per one of %d:%n", items));
    grown.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()))
        .limit(top)
        .forEach(e -> out.append(String.format(Locale.ROOT, "    %8.0f B  %6.2f objects  %s%n", e.getValue().bytes() / (double) items,
            e.getValue().instances() / (double) items, e.getKey())));
    return out.toString();
  }
}
