package io.agentchat.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory holds password hashes, confirmation codes, conversations and the signing key: it is readable by the
 * server's own user only (directories 0700, files 0600), created so, and tightened when an older deployment left it
 * open. On a file system without POSIX permissions nothing is changed. Blocking.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {
  }

  /** Creates the directory (and its parents) when absent; the directory itself ends up 0700. */
  public static Path directory(Path dir) throws IOException {
    return create(dir, DIRECTORY, !Files.isDirectory(dir), perms -> Files.createDirectories(dir, perms));
  }

  /** Creates an empty file when absent; the file ends up 0600. */
  public static Path file(Path file) throws IOException {
    return create(file, FILE, !Files.exists(file), perms -> Files.createFile(file, perms));
  }

  private interface Creation {
    void create(FileAttribute<?>... attributes) throws IOException;
  }

  private static Path create(Path path, Set<PosixFilePermission> perms, boolean absent, Creation creation) throws IOException {
    if (absent) {
      try {
        creation.create(PosixFilePermissions.asFileAttribute(perms));
      } catch (UnsupportedOperationException e) {
        creation.create();
      }
    }
    restrict(path, perms);
    return path;
  }

  /** Tightens an existing file to 0600 (nothing when absent). */
  public static void restrictIfPresent(Path file) throws IOException {
    if (Files.exists(file)) {
      restrict(file, FILE);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> perms) throws IOException {
    try {
      if (!Files.getPosixFilePermissions(path).equals(perms)) {
        Files.setPosixFilePermissions(path, perms);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }
}
