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
}
