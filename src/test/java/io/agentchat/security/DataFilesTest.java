package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.AppTest;
import io.agentchat.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data directory holds password hashes, confirmation codes and conversations: after a start and a chat, it and every
 * directory in it are 0700 and every file in it 0600 (the database, its WAL and shared-memory files, the signing key).
 */
class DataFilesTest extends AppTest {

  /** A data directory the server creates itself, one level below the test's. */
  private Path data() {
    return dataDir.resolve("data");
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("store").put("dataDir", dir.resolve("data").toString());
    return c;
  }

  @Test
  void theDataDirectoryIsReadableByTheServerAlone(VertxTestContext ctx) {
    api.signupAndLogin("pia@acme.test", "acme", "basic", null).compose(u -> api.chat(u, "hello")).map(reply -> {
      List<String> open = new ArrayList<>();
      try (Stream<Path> all = Files.walk(data())) {
        for (Path p : all.toList()) {
          String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
          if (!perms.equals(want)) {
            open.add(data().relativize(p) + " " + perms);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      assertEquals(List.of(), open, "files or directories others may read");
      assertEquals(true, Files.exists(data().resolve("agent-chat.db-wal")), "the WAL file was checked too");
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
