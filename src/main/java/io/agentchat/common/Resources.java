package io.agentchat.common;

import io.agentchat.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a file named in config: from disk when it exists there, else the copy packaged in the jar. */
public final class Resources {
  private Resources() {
  }

  public static String read(String file, String key) {
    Path p = Path.of(file);
    try {
      if (Files.isRegularFile(p)) {
        return Files.readString(p);
      }
      try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(file.startsWith("./") ? file.substring(2) : file)) {
        if (in == null) {
          throw new ConfigException(key, "file " + file + " not found");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Modification time of a file on disk, or -1 when it is only packaged in the jar. */
  public static long modified(String file) {
    try {
      Path p = Path.of(file);
      return Files.isRegularFile(p) ? Files.getLastModifiedTime(p).toMillis() : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
