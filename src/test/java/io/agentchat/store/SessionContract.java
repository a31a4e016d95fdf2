package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.DAY;
import static io.agentchat.store.StoreContractTest.MONTH;
import static io.agentchat.store.StoreContractTest.admin;
import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.concurrently;
import static io.agentchat.store.StoreContractTest.count;
import static io.agentchat.store.StoreContractTest.reserve;
import static io.agentchat.store.StoreContractTest.session;
import static io.agentchat.store.StoreContractTest.settle;
import static io.agentchat.store.StoreContractTest.tenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions and their messages: lists by last use and cut at their limit, expired sessions neither counted nor resumed,
 * the concurrent session limit exact, a session id taken once.
 */
interface SessionContract extends StoreContract {

  @Test
  default void listsAreByLastUseAndCutAtTheirLimit(Vertx vertx, VertxTestContext ctx) {
    Instant base = Instant.now().minus(Duration.ofMinutes(30));
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 12; i++) {
            int k = i;
            chain = chain.compose(x -> s.sessions().createSession(session("acme", "s" + k, "u1", base.plusSeconds(k), Duration.ofHours(2)), 100).mapEmpty());
          }
          return chain;
        })
        .compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 9; i++) {
            int k = i;
            chain = chain.compose(x -> s.usage().reserveTurn(reserve("acme", "u1", "s0", "t" + k, "r" + k, "q" + k, 50, 1000)))
                .compose(x -> s.usage().settleTurn(settle("acme", "u1", "s0", "t" + k, "a" + k, false))).mapEmpty();
          }
          return chain;
        })
        .compose(v -> Future.all(s.sessions().sessions("acme", "u1", 5), s.sessions().sessions("acme", "u1", 100), s.sessions().messages("acme", "s0", 7), s.sessions().messages("acme", "s0", 100)))
        .map(cf -> {
          assertEquals(List.of("s0", "s11", "s10", "s9", "s8"), cf.<List<SessionRecord>>resultAt(0).stream().map(SessionRecord::sessionId).toList(),
              "the chat used last first, then the newest");
          List<SessionRecord> all = cf.resultAt(1);
          assertEquals(12, all.size());
          assertEquals("s0", all.get(0).sessionId());
          assertEquals("s1", all.get(11).sessionId());
          assertEquals(18, all.get(0).messageCount(), "nine questions and nine answers");
          assertEquals("q0", all.get(0).title());
          assertEquals(List.of("a5", "q6", "a6", "q7", "a7", "q8", "a8"), cf.<List<MessageRecord>>resultAt(2).stream().map(MessageRecord::text).toList(),
              "the newest messages, in the order of the conversation");
          List<MessageRecord> conversation = cf.resultAt(3);
          assertEquals(18, conversation.size());
          assertEquals("q0", conversation.get(0).text());
          assertEquals("a0", conversation.get(1).text());
          assertEquals("assistant", conversation.get(1).role());
          return null;
        }));
  }

  @Test
  default void programsSessionsAreNotListedAmongTheChatsNorCounted(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.sessions().createSession(session("acme", "chat", "u1", now.minusSeconds(10), Duration.ofHours(1)), 1))
        .compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 5; i++) {
            int k = i;
            // as a program's request makes them: ended as they are made, newer than the chat
            chain = chain.compose(x -> s.sessions().createSession(session("acme", SessionStore.PROGRAM_SESSION_PREFIX + k, "u1", now, Duration.ZERO),
                Integer.MAX_VALUE).mapEmpty());
          }
          return chain;
        })
        .compose(v -> Future.all(s.sessions().sessions("acme", "u1", 1), s.usage().quotaUsage("acme", "u1", Periods.dayKey(now), Periods.monthKey(now), now),
            s.sessions().session("acme", SessionStore.PROGRAM_SESSION_PREFIX + 3)))
        .map(cf -> {
          assertEquals(List.of("chat"), cf.<List<SessionRecord>>resultAt(0).stream().map(SessionRecord::sessionId).toList(),
              "the newest chat, not the newer sessions of a program");
          assertEquals(1, cf.<QuotaUsage>resultAt(1).activeSessions(), "a program's sessions take no chat slot");
          assertTrue(cf.<java.util.Optional<SessionRecord>>resultAt(2).isPresent(), "they are kept");
          return null;
        }));
  }

  @Test
  default void expiredSessionsDoNotCountAndAreNotResumed(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.sessions().createSession(session("acme", "old", "u1", now.minus(Duration.ofMinutes(40)), Duration.ofMinutes(30)), 10))
        .compose(v -> s.sessions().createSession(session("acme", "expired", "u1", now.minus(Duration.ofMinutes(20)), Duration.ofMinutes(15)), 10))
        .compose(v -> s.sessions().createSession(session("acme", "current", "u1", now.minus(Duration.ofMinutes(30)), Duration.ofHours(1)), 10))
        .compose(v -> s.sessions().latestOrNewSession(session("acme", "candidate", "u1", now, Duration.ofHours(1)), 1))
        .compose(latest -> {
          assertEquals("current", latest.sessionId(), "the newest open session, not the newer expired one");
          return s.sessions().createSession(session("acme", "fits", "u1", now, Duration.ofHours(1)), 2);
        })
        .compose(fits -> s.sessions().createSession(session("acme", "one-too-many", "u1", now, Duration.ofHours(1)), 2).transform(Future::succeededFuture))
        .compose(tooMany -> {
          assertEquals(ErrorCode.SESSION_LIMIT, code(tooMany), "two open sessions count; the expired ones do not");
          return Future.all(s.usage().quotaUsage("acme", "u1", DAY, MONTH, now), s.sessions().session("acme", "expired"), s.sessions().sessions("acme", "u1", 10));
        })
        .map(cf -> {
          assertEquals(2, cf.<QuotaUsage>resultAt(0).activeSessions());
          SessionRecord expired = cf.<java.util.Optional<SessionRecord>>resultAt(1).orElseThrow();
          assertTrue(expired.expired(now), "an expired session is still found, so the product can say it expired");
          assertEquals(List.of("fits", "expired", "current", "old"), cf.<List<SessionRecord>>resultAt(2).stream().map(SessionRecord::sessionId).toList());
          return null;
        }));
  }

  @Test
  default void theConcurrentSessionLimitIsExact(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> concurrently(20, i -> s.sessions().createSession(session("acme", "s" + i, "u1", Instant.now(), Duration.ofHours(1)), 3)))
        .compose(all -> {
          assertEquals(3, count(all, Future::succeeded), "exactly the limit opens");
          assertEquals(17, count(all, f -> f.failed() && code(f) == ErrorCode.SESSION_LIMIT));
          return concurrently(10, i -> s.sessions().latestOrNewSession(session("acme", "c" + i, "u2", Instant.now(), Duration.ofHours(1)), 1));
        })
        .compose(all -> {
          assertEquals(10, count(all, Future::succeeded), "the first opens one, the others resume it");
          assertEquals(1, all.stream().map(f -> f.result().sessionId()).distinct().count());
          return Future.all(s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()), s.usage().quotaUsage("acme", "u2", DAY, MONTH, Instant.now()),
              s.sessions().sessions("acme", "u1", 100));
        })
        .map(cf -> {
          assertEquals(3, cf.<QuotaUsage>resultAt(0).activeSessions());
          assertEquals(1, cf.<QuotaUsage>resultAt(1).activeSessions());
          assertEquals(3, cf.<List<SessionRecord>>resultAt(2).size(), "refused sessions left nothing behind");
          return null;
        }));
  }

  @Test
  default void aSessionIdIsTakenOnce(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.sessions().createSession(session("acme", "same", "u1", Instant.now(), Duration.ofHours(1)), 3))
        .compose(v -> s.sessions().createSession(session("acme", "same", "u1", Instant.now(), Duration.ofHours(1)), 3).transform(Future::succeededFuture))
        .compose(again -> {
          assertEquals(ErrorCode.INVALID_REQUEST, code(again));
          return s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now());
        })
        .map(q -> {
          assertEquals(1, q.activeSessions(), "the refused duplicate holds no slot");
          return null;
        }));
  }
}
