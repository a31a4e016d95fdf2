package io.agentchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark ran on, and how busy the machine was (the 1-minute load average) while it measured. */
final class Machine {
  private Machine() {
  }

  static String loadAverage() {
    String[] f = read("/proc/loadavg").split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
  }

  static String describe() {
    String model = "?";
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        model = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    String mem = "?";
    for (String line : read("/proc/meminfo").split("\n")) {
      if (line.startsWith("MemTotal:")) {
        mem = Long.parseLong(line.replaceAll("\\D", "")) / (1024 * 1024) + " GiB";
      }
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), " + mem + ", Java " + System.getProperty("java.version")
        + ", load average " + loadAverage();
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }
}
