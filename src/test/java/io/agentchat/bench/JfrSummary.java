package io.agentchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/** The hot methods of a JFR recording: execution samples by top frame (self time) and by package of the top frame. */
final class JfrSummary {
  private JfrSummary() {
  }

  static String hotMethods(Path recording, int top) {
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> packages = new HashMap<>();
    int samples = 0;
    try (RecordingFile f = new RecordingFile(recording)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        RecordedFrame frame = st.getFrames().get(0);
        String type = frame.getMethod().getType().getName();
        methods.merge(type + "." + frame.getMethod().getName(), 1, Integer::sum);
        int dot = type.lastIndexOf('.');
        packages.merge(dot > 0 ? type.substring(0, dot) : type, 1, Integer::sum);
        samples++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder sb = new StringBuilder("   hot methods (self, " + samples + " execution samples):\n");
    append(sb, methods, samples, top);
    sb.append("   by package of the top frame:\n");
    append(sb, packages, samples, top);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Map<String, Integer> counts, int samples, int top) {
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> sb.append(String.format(Locale.ROOT, "   %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
  }
}
