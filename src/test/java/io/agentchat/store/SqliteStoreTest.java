package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.reserve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.StoreConfig;
import io.agentchat.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SqliteStoreTest {
  @TempDir
  Path dir;

  private Future<Store> open(Vertx vertx) {
    return SqliteStore.open(vertx, new StoreConfig("sqlite", dir, "test.db", 256, 2));
  }

  @Test
  void concurrentWritesAreGroupCommittedAndReservationsExact(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(store -> {
      Instant now = Instant.now();
      return store.identity().createTenantWithAdmin(new TenantRecord("acme", "basic", "UTC", now),
              new UserRecord("acme", "u1", "u1@acme.test", "x", "admin", true, null, now))
          .compose(u -> store.sessions().createSession(new SessionRecord("acme", "s1", "u1", "basic", now, now.plusSeconds(600), null, 0), 1))
          .compose(s -> {
            List<Future<ReserveOutcome>> all = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
              all.add(store.usage().reserveTurn(reserve("acme", "u1", "s1", "t" + i, "r" + i, "hi", 123, 1000)));
            }
            return Future.all(all).map(cf -> {
              long reserved = all.stream().filter(f -> f.result().status() == ReserveOutcome.Status.RESERVED).count();
              assertEquals(123, reserved, "exactly the limit is admitted");
              SqliteStore sql = (SqliteStore) store;
              assertTrue(sql.commits() < sql.writes() / 5, "writes share commits: " + sql.commits() + " commits for " + sql.writes() + " writes");
              return store;
            });
          })
          .compose(st -> st.usage().quotaUsage("acme", "u1", "d:2026-11-28", "m:2026-11", Instant.now()))
          .compose(q -> {
            assertEquals(123, q.dailyUsed());
            return store.close();
          })
          .compose(v -> open(vertx))
          .compose(again -> again.usage().quotaUsage("acme", "u1", "d:2026-11-28", "m:2026-11", Instant.now()).compose(q -> {
            assertEquals(123, q.dailyUsed(), "acknowledged writes are durable across reopen");
            return again.close();
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void oneFailingWriteDoesNotUndoItsBatchNeighbours(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(store -> {
      Instant now = Instant.now();
      TenantRecord t = new TenantRecord("acme", "basic", "UTC", now);
      List<Future<UserRecord>> all = new ArrayList<>();
      all.add(store.identity().createTenantWithAdmin(t, new UserRecord("acme", "u1", "same@acme.test", "x", "admin", true, null, now)));
      for (int i = 0; i < 20; i++) {
        TenantRecord ti = new TenantRecord("t-" + i + "-co", "basic", "UTC", now);
        all.add(store.identity().createTenantWithAdmin(ti, new UserRecord(ti.tenantId(), "u", i == 7 ? "same@acme.test" : "u" + i + "@x.test", "x",
            "admin", true, null, now)));
      }
      return Future.join(all).transform(ar -> {
        long failed = all.stream().filter(Future::failed).count();
        assertEquals(1, failed, "only the duplicate e-mail fails");
        return store.identity().tenant("t-7-co").compose(t7 -> store.identity().tenant("t-8-co").map(t8 -> {
          assertTrue(t7.isEmpty(), "the failed write left nothing behind");
          assertTrue(t8.isPresent());
          return null;
        }));
      }).compose(v -> store.close());
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void everyReadIsScopedByTenant(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(store -> {
      Instant now = Instant.now();
      return store.identity().createTenantWithAdmin(new TenantRecord("acme", "basic", "UTC", now), new UserRecord("acme", "u1", "a@a.test", "x", "admin", true, null, now))
          .compose(u -> store.identity().createTenantWithAdmin(new TenantRecord("beta", "basic", "UTC", now), new UserRecord("beta", "u1", "b@b.test", "x", "admin", true, null, now)))
          .compose(u -> store.sessions().createSession(new SessionRecord("acme", "same-id", "u1", "basic", now, now.plusSeconds(600), null, 0), 1))
          .compose(s -> store.sessions().session("beta", "same-id"))
          .compose(s -> {
            assertTrue(s.isEmpty(), "a session id of one tenant means nothing in another");
            return store.sessions().createSession(new SessionRecord("beta", "same-id", "u1", "basic", now, now.plusSeconds(600), null, 0), 1);
          })
          .compose(s -> store.usage().reserveTurn(new ReserveRequest("acme", "u1", "same-id", "t1", "r1", "secret of acme", "d:x", "m:x", 10, 10, now)))
          .compose(r -> store.sessions().messages("beta", "same-id", 100))
          .compose(ms -> {
            assertTrue(ms.isEmpty(), "beta's session with the same ids holds none of acme's messages");
            return store.usage().turn("beta", "t1");
          })
          .compose(t -> {
            assertTrue(t.isEmpty());
            return store.close();
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Store> tenantWithSession(Store store, String sessionId) {
    Instant now = Instant.now();
    return store.identity().createTenantWithAdmin(new TenantRecord("acme", "basic", "UTC", now),
            new UserRecord("acme", "u1", "u1@acme.test", "x", "admin", true, null, now))
        .compose(u -> store.sessions().createSession(new SessionRecord("acme", sessionId, "u1", "basic", now, now.plusSeconds(600), null, 0), 5))
        .map(store);
  }

  /**
   * A settlement writes its events, rollups and trace steps in statements of many rows: a turn with more of each than one
   * statement holds is recorded whole and in order, its cost is the sum of its events, an event listed twice counts once,
   * and its rollups count every event.
   */
  @Test
  void aLargeSettlementIsRecordedWhole(Vertx vertx, VertxTestContext ctx) {
    int n = 150;
    List<UsageEvent> events = new ArrayList<>();
    List<io.vertx.core.json.JsonObject> steps = new ArrayList<>();
    long cost = 0;
    for (int i = 0; i < n; i++) {
      UsageKind kind = i % 2 == 0 ? UsageKind.TOOL_ACTION : UsageKind.INPUT_TOKENS;
      events.add(new UsageEvent("t1/e" + i, "acme", "u1", "s1", "t1", kind, "svc", i % 3 == 0 ? "m-a" : "m-b", 2, 1_000 + i, false,
          Instant.parse("2026-11-28T10:00:00Z")));
      cost += 1_000 + i;
      steps.add(new io.vertx.core.json.JsonObject().put("step", "s" + i));
    }
    events.add(events.get(7)); // listed twice: recorded once
    long expected = cost;
    open(vertx).compose(store -> tenantWithSession(store, "s1"))
        .compose(store -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "many", 10, 10))
            .compose(r -> store.usage().settleTurn(new SettleRequest("acme", "u1", "s1", "t1", "completed", "done", events, false,
                Instant.now(), steps)))
            .compose(out -> {
              assertEquals(n, out.eventsRecorded());
              assertEquals(expected, out.turnCostNanos());
              return store.usage().turnEvents("acme", "t1");
            })
            .compose(stored -> {
              assertEquals(n, stored.size());
              return store.usage().traces("acme", "t1");
            })
            .compose(traces -> {
              assertEquals(n, traces.size());
              for (int i = 0; i < n; i++) {
                assertEquals("s" + i, traces.get(i).getString("step"));
              }
              return store.reports().rollups("acme", "2026-11-28", "2026-11-28");
            })
            .compose(rollups -> {
              assertEquals(2, rollups.size(), "one rollup per model: " + rollups);
              assertEquals(expected, rollups.stream().mapToLong(RollupRow::costNanos).sum());
              assertEquals(n, rollups.stream().mapToLong(RollupRow::events).sum());
              assertEquals(n, rollups.stream().mapToLong(RollupRow::toolActions).sum(), "half the events, two each");
              assertEquals(n, rollups.stream().mapToLong(RollupRow::inputTokens).sum());
              return store.sessions().messages("acme", "s1", 10);
            })
            .compose(ms -> {
              assertEquals(List.of("user:many", "assistant:done"), ms.stream().map(m -> m.role() + ":" + m.text()).toList());
              return store.close();
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A turn reserved by an older version (which did not store where its question stands) still gets its answer beside its
   * question, also when a later question was queued behind it.
   */
  @Test
  void aTurnOfAnOlderSchemaIsAnsweredBesideItsQuestion(Vertx vertx, VertxTestContext ctx) {
    open(vertx).compose(store -> tenantWithSession(store, "s1"))
        .compose(store -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "first", 10, 10))
            .compose(r -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t2", "r2", "second", 10, 10)))
            .compose(r -> store.close()))
        .compose(v -> vertx.executeBlocking(() -> {
          try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
               java.sql.Statement st = c.createStatement()) {
            return st.executeUpdate("UPDATE turns SET question_seq = NULL");
          }
        }))
        .compose(changed -> {
          assertEquals(2, changed);
          return open(vertx);
        })
        .compose(store -> store.usage().settleTurn(StoreContractTest.settle("acme", "u1", "s1", "t1", "answer one", false))
            .compose(o -> store.usage().settleTurn(StoreContractTest.settle("acme", "u1", "s1", "t2", "answer two", false)))
            .compose(o -> store.sessions().messages("acme", "s1", 10))
            .compose(ms -> {
              assertEquals(List.of("first", "answer one", "second", "answer two"), ms.stream().map(MessageRecord::text).toList());
              return store.close();
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A database made before API keys (schema 5) is upgraded when opened: its turns read back without a key and settle as
   * before, and keys and turns with keys can be stored beside them.
   */
  @Test
  void aDatabaseFromBeforeApiKeysIsUpgradedWhenOpened(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    open(vertx).compose(store -> tenantWithSession(store, "s1"))
        .compose(store -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "old", "r-old", "before keys", 10, 10)).compose(r -> store.close()))
        .compose(v -> vertx.executeBlocking(() -> {
          try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
               java.sql.Statement st = c.createStatement()) {
            backBeforeMemberRemoval(st);
            st.executeUpdate("DROP TABLE api_keys");
            st.executeUpdate("ALTER TABLE turns DROP COLUMN api_key_id");
            return st.executeUpdate("DELETE FROM schema_version WHERE version = 6");
          }
        }))
        .compose(deleted -> {
          assertEquals(1, deleted, "the database is back at schema 5");
          return open(vertx);
        })
        .compose(store -> store.usage().turn("acme", "old")
            .compose(old -> {
              assertEquals(null, old.orElseThrow().apiKeyId());
              return store.usage().settleTurn(StoreContractTest.settle("acme", "u1", "s1", "old", "answer", false));
            })
            .compose(settled -> {
              assertTrue(settled.applied());
              return store.apiKeys().createKey(new ApiKeyRecord("acme", "k1", "ci", "u1", "hash", "u1", now, null, 0, null, null), 5_000_000);
            })
            .compose(v -> store.usage().reserveTurn(new ReserveRequest("acme", "u1", "s1", "new", "r-new", "with a key", "d:2026-11-28", "m:2026-11",
                10, 10, now, 1_000_000, "k1")))
            .compose(reserved -> {
              assertEquals(ReserveOutcome.Status.RESERVED, reserved.status());
              return store.usage().turn("acme", "new");
            })
            .compose(turn -> {
              assertEquals("k1", turn.orElseThrow().apiKeyId());
              return store.close();
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Takes a database back to schema 6 (before members' removal and the audit log); answers the schema rows deleted. */
  private static int backBeforeMemberRemoval(java.sql.Statement st) throws java.sql.SQLException {
    backBeforeResetCodes(st);
    st.executeUpdate("DROP TABLE audit_log");
    st.executeUpdate("DROP INDEX users_tokens_revoked");
    st.executeUpdate("DROP INDEX refresh_tokens_user");
    st.executeUpdate("ALTER TABLE users DROP COLUMN tokens_revoked_before");
    return st.executeUpdate("DELETE FROM schema_version WHERE version = 7");
  }

  /** Takes a database back to schema 7 (before password-reset codes). */
  private static void backBeforeResetCodes(java.sql.Statement st) throws java.sql.SQLException {
    SqliteChatsUpgradeTest.backBeforeConversations(st);
    st.executeUpdate("ALTER TABLE tenants DROP COLUMN erased_at");
    st.executeUpdate("DELETE FROM schema_version WHERE version = 10");
    st.executeUpdate("ALTER TABLE tenants DROP COLUMN suspended");
    st.executeUpdate("DELETE FROM schema_version WHERE version = 9");
    st.executeUpdate("ALTER TABLE users DROP COLUMN reset_code_hash");
    st.executeUpdate("ALTER TABLE users DROP COLUMN reset_expires_at");
    st.executeUpdate("DELETE FROM schema_version WHERE version = 8");
  }

  @Test
  void aDatabaseFromBeforeMemberRemovalIsUpgradedWhenOpened(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    open(vertx).compose(store -> tenantWithSession(store, "s1"))
        .compose(store -> store.identity().saveRefreshToken(new RefreshRecord("old-token", "acme", "u1", now.plusSeconds(3600)))
            .compose(v -> store.close()))
        .compose(v -> vertx.executeBlocking(() -> {
          try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
               java.sql.Statement st = c.createStatement()) {
            return backBeforeMemberRemoval(st);
          }
        }))
        .compose(deleted -> {
          assertEquals(1, deleted, "the database is back at schema 6");
          return open(vertx);
        })
        .compose(store -> store.identity().tokenMarks(Instant.EPOCH)
            .compose(marks -> {
              assertEquals(List.of(), marks, "users of before have no mark");
              return store.identity().removeMember("acme", "u1", now);
            })
            .compose(removed -> {
              assertTrue(removed);
              return Future.all(store.identity().tokenMarks(now), store.identity().rotateRefreshToken("old-token",
                  new RefreshRecord("next", null, null, now.plusSeconds(7200)), now));
            })
            .compose(cf -> {
              assertEquals(List.of(new TokenMark("acme", "u1", now)), cf.resultAt(0));
              assertTrue(cf.<java.util.Optional<?>>resultAt(1).isEmpty(), "a token stored before the upgrade is revoked with its member");
              AuditEntry e = new AuditEntry("acme", "e1", now, "member_removed", "u1", "u1@acme.test", "u1", "127.0.0.1", "{}");
              return store.audit().append(e).compose(v -> store.audit().entries("acme", now, now.plusMillis(1), null, 10))
                  .map(entries -> {
                    assertEquals(List.of(e), entries);
                    return null;
                  });
            })
            .compose(v -> store.close()))
        .onComplete(ctx.succeedingThenComplete());
  }
}
