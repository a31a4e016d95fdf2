package io.agentchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite database of before managed chats (schema 10) opened by this version: last use taken from its messages. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SqliteChatsUpgradeTest {
  @TempDir
  Path dir;

  private Future<Store> open(Vertx vertx) {
    return SqliteStore.open(vertx, new StoreConfig("sqlite", dir, "test.db", 256, 2));
  }

  /** Takes a database back to schema 10 (before chats' last use, closing and hidden turns); answers the schema rows deleted. */
  static int backBeforeConversations(java.sql.Statement st) throws java.sql.SQLException {
    st.executeUpdate("ALTER TABLE users DROP COLUMN display_name"); // V12 first: display names
    st.executeUpdate("DELETE FROM schema_version WHERE version = 12");
    st.executeUpdate("DROP INDEX sessions_last_used");
    st.executeUpdate("ALTER TABLE sessions DROP COLUMN last_used_at");
    st.executeUpdate("ALTER TABLE sessions DROP COLUMN closed_at");
    st.executeUpdate("ALTER TABLE messages DROP COLUMN hidden");
    return st.executeUpdate("DELETE FROM schema_version WHERE version = 11");
  }

  @Test
  void aDatabaseFromBeforeManagedChatsIsUpgradedWhenOpened(Vertx vertx, VertxTestContext ctx) {
    Instant made = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant asked = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    open(vertx).compose(store -> store.identity().createTenantWithAdmin(new TenantRecord("acme", "basic", "UTC", made),
                new UserRecord("acme", "u1", "u1@acme.test", "x", "admin", true, null, made))
            .compose(u -> store.sessions().createSession(new SessionRecord("acme", "used", "u1", "basic", made, made.plusSeconds(3600), null, 0), 5))
            .compose(u -> store.sessions().createSession(new SessionRecord("acme", "newer", "u1", "basic", made.plusSeconds(1),
                made.plusSeconds(3600), null, 0), 5))
            .compose(u -> store.usage().reserveTurn(new ReserveRequest("acme", "u1", "used", "t1", "r1", "old question", "d:2026-11-28", "m:2026-11",
                10, 10, asked)))
            .compose(v -> store.close()))
        .compose(v -> vertx.executeBlocking(() -> {
          try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
               java.sql.Statement st = c.createStatement()) {
            return backBeforeConversations(st);
          }
        }))
        .compose(deleted -> {
          assertEquals(1, deleted, "the database is back at schema 10");
          return open(vertx);
        })
        .compose(store -> store.sessions().sessions("acme", "u1", 10)
            .compose(list -> {
              assertEquals(List.of("used", "newer"), list.stream().map(SessionRecord::sessionId).toList(), "last use taken from the old messages");
              assertEquals(asked, list.get(0).lastUsedAt());
              assertEquals(made.plusSeconds(1), list.get(1).lastUsedAt());
              assertEquals(null, list.get(0).closedAt());
              return store.sessions().hideTurn("acme", "used", "t1");
            })
            .compose(v -> store.sessions().messages("acme", "used", 10))
            .compose(msgs -> {
              assertEquals(List.of(), msgs, "old messages can be hidden");
              return store.close();
            }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
