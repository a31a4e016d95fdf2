package io.agentchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every store behaviour the product relies on, run against each adapter (one subclass per adapter). Each test gets an
 * empty store.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
public abstract class StoreContractTest {
  static final String DAY = "d:2026-11-28";
  static final String MONTH = "m:2026-11";
  protected Store store;

  /** An empty store of the adapter under test. */
  protected abstract Future<Store> open(Vertx vertx);

  @AfterEach
  void closeStore(VertxTestContext ctx) {
    (store == null ? Future.<Void>succeededFuture() : store.close()).onComplete(ctx.succeedingThenComplete());
  }

  /** Opens the store, runs the test body on it, and completes the test context with the outcome. */
  private void run(Vertx vertx, VertxTestContext ctx, java.util.function.Function<Store, Future<?>> body) {
    open(vertx).compose(s -> {
      store = s;
      return body.apply(s);
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- fixtures

  static final Instant NOW = Instant.now();

  static TenantRecord tenant(String id) {
    return new TenantRecord(id, "basic", "UTC", NOW);
  }

  static UserRecord user(String tenant, String userId, String email) {
    return new UserRecord(tenant, userId, email, "hash", "user", false, "123456", NOW);
  }

  static UserRecord admin(String tenant, String userId, String email) {
    return new UserRecord(tenant, userId, email, "hash", "admin", true, null, NOW);
  }

  static SessionRecord session(String tenant, String sessionId, String userId, Instant created, Duration life) {
    return new SessionRecord(tenant, sessionId, userId, "basic", created, created.plus(life), null, 0);
  }

  static ReserveRequest reserve(String tenant, String user, String sessionId, String turnId, String requestId, String message, int daily,
                                int monthly) {
    return new ReserveRequest(tenant, user, sessionId, turnId, requestId, message, DAY, MONTH, daily, monthly, Instant.now());
  }

  static UsageEvent event(String tenant, String user, String sessionId, String turnId, UsageKind kind, long quantity, long cost) {
    String service = kind == UsageKind.INVOCATION ? "agent_runtime" : "bedrock_models";
    String model = kind == UsageKind.INVOCATION ? "orchestration" : "anthropic.claude-3-haiku";
    return new UsageEvent(turnId + "/" + kind.wire(), tenant, user, sessionId, turnId, kind, service, model, quantity, cost, true,
        Instant.parse("2026-11-28T10:00:00Z"));
  }

  static List<UsageEvent> turnUsage(String tenant, String user, String sessionId, String turnId) {
    return List.of(event(tenant, user, sessionId, turnId, UsageKind.INVOCATION, 1, 1_000_000),
        event(tenant, user, sessionId, turnId, UsageKind.INPUT_TOKENS, 12, 3_000),
        event(tenant, user, sessionId, turnId, UsageKind.OUTPUT_TOKENS, 40, 50_000));
  }

  static SettleRequest settle(String tenant, String user, String sessionId, String turnId, String reply, boolean refund) {
    return new SettleRequest(tenant, user, sessionId, turnId, "completed", reply, turnUsage(tenant, user, sessionId, turnId), refund, Instant.now());
  }

  /** Runs {@code n} calls at once and completes when all have ended, with each one's outcome. */
  static <T> Future<List<Future<T>>> concurrently(int n, IntFunction<Future<T>> call) {
    List<Future<T>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(call.apply(i));
    }
    return Future.join(all).transform(ar -> Future.succeededFuture(all));
  }

  static ErrorCode code(AsyncResult<?> f) {
    assertTrue(f.failed(), "expected a failure");
    return assertInstanceOf(AppException.class, f.cause()).code();
  }

  static <T> long count(List<Future<T>> all, java.util.function.Predicate<Future<T>> p) {
    return all.stream().filter(p).count();
  }

  private Future<Void> tenantWithSession(String tenant, String user, String sessionId) {
    return store.identity().createTenantWithAdmin(tenant(tenant), admin(tenant, user, user + "@" + tenant + ".test"))
        .compose(u -> store.sessions().createSession(session(tenant, sessionId, user, Instant.now(), Duration.ofHours(1)), 10)).mapEmpty();
  }

  // ---------------------------------------------------------------- tenant scoping

  @Test
  void aTenantNeverSeesAnotherTenantsItemsUnderTheSameIds(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> tenantWithSession("beta", "u1", "s1"))
        .compose(v -> s.sessions().createSession(session("acme", "only-acme", "u1", Instant.now(), Duration.ofHours(1)), 10))
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "secret of acme", 50, 1000)))
        .compose(v -> s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "acme's answer", false)))
        .compose(v -> s.usage().reserveTurn(reserve("beta", "u1", "s1", "t1", "r1", "beta asks", 50, 1000)))
        .compose(out -> {
          assertEquals(ReserveOutcome.Status.RESERVED, out.status(), "the same request id in another tenant is another request");
          return Future.all(List.of(s.sessions().messages("beta", "s1", 100), s.usage().turn("beta", "t1"), s.usage().turnEvents("beta", "t1"),
              s.usage().userTotals("beta", "u1", "2026-11-01", "2026-11-30"), s.usage().quotaUsage("beta", "u1", DAY, MONTH, Instant.now()),
              s.sessions().sessions("beta", "u1", 100), s.sessions().session("beta", "only-acme"), s.identity().user("beta", "u1"), s.usage().runningTurns()));
        })
        .map(cf -> {
          List<MessageRecord> msgs = cf.resultAt(0);
          assertEquals(List.of("beta asks"), msgs.stream().map(MessageRecord::text).toList());
          TurnRecord t = cf.<java.util.Optional<TurnRecord>>resultAt(1).orElseThrow();
          assertEquals("beta", t.tenantId());
          assertTrue(t.running(), "beta's t1 is its own turn, still running while acme's is settled");
          assertTrue(cf.<List<UsageEvent>>resultAt(2).isEmpty(), "acme's usage events are not beta's");
          assertEquals(0, cf.<UsageTotals>resultAt(3).costNanos());
          assertEquals(1, cf.<QuotaUsage>resultAt(4).dailyUsed(), "each tenant's counter counts only its own turns");
          List<SessionRecord> sessions = cf.resultAt(5);
          assertEquals(List.of("s1"), sessions.stream().map(SessionRecord::sessionId).toList());
          assertEquals("beta asks", sessions.get(0).title());
          assertTrue(cf.<java.util.Optional<?>>resultAt(6).isEmpty());
          assertEquals("u1@beta.test", cf.<java.util.Optional<UserRecord>>resultAt(7).orElseThrow().email());
          List<TurnRecord> running = cf.resultAt(8);
          assertEquals(List.of("beta/t1"), running.stream().map(r -> r.tenantId() + "/" + r.turnId()).toList());
          return null;
        })
        .compose(v -> s.sessions().messages("acme", "s1", 100))
        .map(msgs -> {
          assertEquals(List.of("secret of acme", "acme's answer"), msgs.stream().map(MessageRecord::text).toList());
          return null;
        }));
  }

  // ---------------------------------------------------------------- quotas

  @Test
  void hundredConcurrentReservationsAgainstFiftyAdmitExactlyFifty(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> concurrently(100, i -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t" + i, "r" + i, "question " + i, 50, 1000))))
        .compose(all -> {
          assertEquals(100, count(all, Future::succeeded), "no reservation fails: refusals are outcomes");
          Set<String> admitted = all.stream().filter(f -> f.result().status() == ReserveOutcome.Status.RESERVED)
              .map(f -> f.result().turn().turnId()).collect(Collectors.toSet());
          assertEquals(50, admitted.size(), "exactly the limit is admitted");
          assertEquals(50, count(all, f -> f.result().status() == ReserveOutcome.Status.DAILY_EXCEEDED));
          int refused = all.indexOf(all.stream().filter(f -> f.result().status() == ReserveOutcome.Status.DAILY_EXCEEDED).findFirst().orElseThrow());
          assertEquals(null, all.get(refused).result().turn(), "a refused reservation has no turn");
          return Future.all(s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()), s.sessions().messages("acme", "s1", 500), s.usage().runningTurns(),
              s.usage().turn("acme", "t" + refused));
        })
        .map(cf -> {
          QuotaUsage q = cf.resultAt(0);
          assertEquals(50, q.dailyUsed());
          assertEquals(50, q.monthlyUsed(), "the refused ones left nothing counted in the month either");
          assertEquals(50, cf.<List<MessageRecord>>resultAt(1).size(), "only admitted turns wrote their message");
          assertEquals(50, cf.<List<TurnRecord>>resultAt(2).size(), "only admitted turns exist");
          assertTrue(cf.<java.util.Optional<?>>resultAt(3).isEmpty());
          return null;
        }));
  }

  @Test
  void theMonthlyLimitRefusesAndTheDayCountIsGivenBack(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> concurrently(8, i -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t" + i, "r" + i, "q", 100, 3))))
        .compose(all -> {
          assertEquals(3, count(all, f -> f.result().status() == ReserveOutcome.Status.RESERVED));
          assertEquals(5, count(all, f -> f.result().status() == ReserveOutcome.Status.MONTHLY_EXCEEDED));
          return s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now());
        })
        .map(q -> {
          assertEquals(3, q.dailyUsed(), "a turn refused by the month does not count in the day");
          assertEquals(3, q.monthlyUsed());
          return null;
        }));
  }

  @Test
  void aRequestIdReservesOnceHoweverOftenItIsSent(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> concurrently(10, i -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t-same", "same-request", "once", 50, 1000))))
        .compose(all -> {
          assertEquals(1, count(all, f -> f.succeeded() && f.result().status() == ReserveOutcome.Status.RESERVED));
          assertEquals(9, count(all, f -> f.succeeded() && f.result().status() == ReserveOutcome.Status.DUPLICATE
              && f.result().turn().turnId().equals("t-same")), "the others are told which turn answers their request");
          return s.usage().reserveTurn(reserve("acme", "u1", "s1", "t-same", "same-request", "once", 50, 1000));
        })
        .compose(again -> {
          assertEquals(ReserveOutcome.Status.DUPLICATE, again.status());
          return s.usage().reserveTurn(reserve("acme", "u1", "s1", "t-same", null, "another request, a used turn id", 50, 1000))
              .transform(ar -> Future.succeededFuture(ar));
        })
        .compose(reused -> {
          assertEquals(ErrorCode.INVALID_REQUEST, code(reused));
          return Future.all(s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()), s.sessions().messages("acme", "s1", 100));
        })
        .map(cf -> {
          assertEquals(1, cf.<QuotaUsage>resultAt(0).dailyUsed(), "charged once");
          assertEquals(1, cf.<List<MessageRecord>>resultAt(1).size(), "the message is recorded once");
          return null;
        }));
  }

  @Test
  void settlingTwiceRecordsNothingTwiceAndRefundsOnce(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "one", 50, 1000)))
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t2", "r2", "two", 50, 1000)))
        .compose(v -> s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "answer one", true)))
        .compose(first -> {
          assertTrue(first.applied());
          assertEquals(3, first.eventsRecorded());
          assertEquals(1_053_000, first.turnCostNanos());
          return s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "answer one", true));
        })
        .compose(second -> {
          assertFalse(second.applied(), "a settled turn is not settled again");
          assertEquals(0, second.eventsRecorded());
          assertEquals(1_053_000, second.turnCostNanos(), "the cost is still reported");
          return concurrently(5, i -> s.usage().settleTurn(settle("acme", "u1", "s1", "t2", "answer two", true)));
        })
        .compose(racing -> {
          assertEquals(5, count(racing, Future::succeeded));
          assertEquals(1, count(racing, f -> f.result().applied()), "of settlements racing, exactly one applies");
          return Future.all(List.of(s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()), s.usage().turnEvents("acme", "t1"), s.usage().turnEvents("acme", "t2"),
              s.usage().userTotals("acme", "u1", "2026-11-28", "2026-11-28"), s.sessions().messages("acme", "s1", 100), s.usage().turn("acme", "t1")));
        })
        .map(cf -> {
          QuotaUsage q = cf.resultAt(0);
          assertEquals(0, q.dailyUsed(), "each turn's message is given back exactly once");
          assertEquals(0, q.monthlyUsed());
          assertEquals(List.of("t1/input_tokens", "t1/invocation", "t1/output_tokens"),
              cf.<List<UsageEvent>>resultAt(1).stream().map(UsageEvent::eventId).toList());
          assertEquals(3, cf.<List<UsageEvent>>resultAt(2).size());
          UsageTotals totals = cf.resultAt(3);
          assertEquals(new UsageTotals(24, 80, 2, 0, 2_106_000), totals, "rollups count each event once");
          assertEquals(List.of("one", "two", "answer one", "answer two").stream().sorted().toList(),
              cf.<List<MessageRecord>>resultAt(4).stream().map(MessageRecord::text).sorted().toList(), "each reply is stored once");
          TurnRecord t1 = cf.<java.util.Optional<TurnRecord>>resultAt(5).orElseThrow();
          assertEquals("completed", t1.status());
          assertTrue(t1.finishedAt() != null);
          return null;
        }));
  }

  @Test
  void settlingAnUnknownTurnIsNotFound(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> s.usage().settleTurn(settle("acme", "u1", "s1", "nope", "x", false)).transform(ar -> {
      assertEquals(ErrorCode.NOT_FOUND, code(ar));
      return Future.succeededFuture();
    }));
  }

  @Test
  void rebuildingRollupsFromEventsReproducesTheTotals(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> tenantWithSession("acme-two", "u2", "s1"))
        .compose(v -> concurrently(4, i -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t" + i, "r" + i, "q", 50, 1000))
            .compose(r -> s.usage().settleTurn(settle("acme", "u1", "s1", "t" + i, "a", false)))))
        .compose(v -> s.usage().reserveTurn(reserve("acme-two", "u2", "s1", "x", "x", "q", 50, 1000)))
        .compose(v -> s.usage().settleTurn(settle("acme-two", "u2", "s1", "x", "a", false)))
        .compose(v -> s.usage().userTotals("acme", "u1", "2026-11-01", "2026-11-30"))
        .compose(before -> {
          assertEquals(new UsageTotals(48, 160, 4, 0, 4_212_000), before);
          return s.reports().rebuildRollups("acme", "2026-11-27", "2026-11-29").compose(n -> {
            assertEquals(2L, n, "one rollup per user, day, service and model");
            return Future.all(s.usage().userTotals("acme", "u1", "2026-11-01", "2026-11-30"), s.usage().userTotals("acme-two", "u2", "2026-11-01", "2026-11-30"));
          }).map(cf -> {
            assertEquals(before, cf.resultAt(0));
            assertEquals(new UsageTotals(12, 40, 1, 0, 1_053_000), cf.resultAt(1), "another tenant's rollups are not touched");
            return null;
          });
        }));
  }

  // ---------------------------------------------------------------- paging and limits

  @Test
  void listsAreNewestFirstAndCutAtTheirLimit(Vertx vertx, VertxTestContext ctx) {
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
          assertEquals(List.of("s11", "s10", "s9", "s8", "s7"), cf.<List<SessionRecord>>resultAt(0).stream().map(SessionRecord::sessionId).toList());
          List<SessionRecord> all = cf.resultAt(1);
          assertEquals(12, all.size());
          assertEquals("s0", all.get(11).sessionId());
          assertEquals(18, all.get(11).messageCount(), "nine questions and nine answers");
          assertEquals("q0", all.get(11).title());
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

  // ---------------------------------------------------------------- sessions

  @Test
  void expiredSessionsDoNotCountAndAreNotResumed(Vertx vertx, VertxTestContext ctx) {
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
  void theConcurrentSessionLimitIsExact(Vertx vertx, VertxTestContext ctx) {
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
  void aSessionIdIsTakenOnce(Vertx vertx, VertxTestContext ctx) {
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

  // ---------------------------------------------------------------- identity

  @Test
  void anEmailAddressBelongsToOneAccountHoweverManySignUpAtOnce(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> concurrently(10, i -> s.identity().createTenantWithAdmin(tenant("org-" + i), admin("org-" + i, "u" + i, "same@x.test")))
        .compose(all -> {
          assertEquals(1, count(all, Future::succeeded));
          assertEquals(9, count(all, f -> f.failed() && code(f) == ErrorCode.USER_EXISTS));
          UserRecord winner = all.stream().filter(Future::succeeded).findFirst().orElseThrow().result();
          List<Future<java.util.Optional<TenantRecord>>> tenants = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            tenants.add(s.identity().tenant("org-" + i));
          }
          return Future.all(tenants).compose(v -> {
            assertEquals(1, tenants.stream().filter(t -> t.result().isPresent()).count(), "the refused sign-ups created no organisation");
            return s.identity().userByEmail("same@x.test");
          }).map(found -> {
            assertEquals(winner.userId(), found.orElseThrow().userId());
            return null;
          });
        })
        .compose(v -> concurrently(5, i -> s.identity().createTenantWithAdmin(tenant("contested"), admin("contested", "c" + i, "c" + i + "@x.test"))))
        .compose(all -> {
          assertEquals(1, count(all, Future::succeeded));
          assertEquals(4, count(all, f -> f.failed() && code(f) == ErrorCode.INVALID_INVITE), "the organisation exists for the others");
          String loser = all.stream().filter(Future::failed).findFirst().map(f -> all.indexOf(f)).map(i -> "c" + i + "@x.test").orElseThrow();
          return s.identity().userByEmail(loser).compose(none -> {
            assertTrue(none.isEmpty(), "a refused sign-up gives its e-mail address back");
            return s.identity().createTenantWithAdmin(tenant("later"), admin("later", "l1", loser));
          });
        })
        .compose(v -> s.identity().createInvite("later", "code-1", "l1", Instant.now().plusSeconds(600)))
        .compose(v -> s.identity().joinTenant("later", "code-1", user("later", "l2", "same@x.test"), Instant.now()).transform(Future::succeededFuture))
        .compose(taken -> {
          assertEquals(ErrorCode.USER_EXISTS, code(taken));
          return s.identity().joinTenant("later", "code-1", user("later", "l2", "new@x.test"), Instant.now());
        })
        .compose(joined -> {
          assertFalse(joined.confirmed());
          return s.identity().confirmUser("later", "l2");
        })
        .compose(confirmed -> {
          assertTrue(confirmed);
          return Future.all(s.identity().userByEmail("new@x.test"), s.identity().confirmUser("later", "nobody"));
        })
        .map(cf -> {
          UserRecord u = cf.<java.util.Optional<UserRecord>>resultAt(0).orElseThrow();
          assertTrue(u.confirmed());
          assertEquals(null, u.confirmCode());
          assertFalse(cf.<Boolean>resultAt(1), "confirming an unknown user changes nothing");
          return null;
        }));
  }

  @Test
  void anInviteIsUsedOnce(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "a", "a@acme.test"))
        .compose(v -> s.identity().createTenantWithAdmin(tenant("beta"), admin("beta", "b", "b@beta.test")))
        .compose(v -> s.identity().createInvite("acme", "invite-1", "a", Instant.now().plusSeconds(600)))
        .compose(v -> s.identity().createInvite("acme", "stale", "a", Instant.now().minusSeconds(1)))
        .compose(v -> concurrently(5, i -> s.identity().joinTenant("acme", "invite-1", user("acme", "j" + i, "j" + i + "@x.test"), Instant.now())))
        .compose(all -> {
          assertEquals(1, count(all, Future::succeeded));
          assertEquals(4, count(all, f -> f.failed() && code(f) == ErrorCode.INVALID_INVITE));
          String loser = "j" + all.indexOf(all.stream().filter(Future::failed).findFirst().orElseThrow()) + "@x.test";
          return Future.all(List.of(
              s.identity().joinTenant("acme", "stale", user("acme", "k1", "k1@x.test"), Instant.now()).transform(Future::succeededFuture),
              s.identity().joinTenant("beta", "invite-1", user("beta", "k2", "k2@x.test"), Instant.now()).transform(Future::succeededFuture),
              s.identity().userByEmail(loser)));
        })
        .map(cf -> {
          assertEquals(ErrorCode.INVALID_INVITE, code(cf.<AsyncResult<?>>resultAt(0)), "an expired invite");
          assertEquals(ErrorCode.INVALID_INVITE, code(cf.<AsyncResult<?>>resultAt(1)), "another organisation's invite");
          assertTrue(cf.<java.util.Optional<?>>resultAt(2).isEmpty(), "a refused join gives its e-mail address back");
          return null;
        }));
  }

  @Test
  void aRefreshTokenRotatesOnce(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().saveRefreshToken(new RefreshRecord("h0", "acme", "u1", now.plusSeconds(3600)))
        .compose(v -> s.identity().saveRefreshToken(new RefreshRecord("old", "acme", "u1", now.minusSeconds(1))))
        .compose(v -> concurrently(5, i -> s.identity().rotateRefreshToken("h0", new RefreshRecord("h1-" + i, null, null, now.plusSeconds(7200)), now)))
        .compose(all -> {
          assertEquals(5, count(all, Future::succeeded));
          List<RefreshRecord> rotated = all.stream().map(Future::result).filter(java.util.Optional::isPresent).map(java.util.Optional::get).toList();
          assertEquals(1, rotated.size(), "a token is spent by exactly one rotation");
          assertEquals("acme", rotated.get(0).tenantId());
          assertEquals("u1", rotated.get(0).userId());
          return Future.all(s.identity().rotateRefreshToken("h0", new RefreshRecord("h2", null, null, now.plusSeconds(7200)), now),
              s.identity().rotateRefreshToken(rotated.get(0).tokenHash(), new RefreshRecord("h3", null, null, now.plusSeconds(7200)), now),
              s.identity().rotateRefreshToken("old", new RefreshRecord("h4", null, null, now.plusSeconds(7200)), now),
              s.identity().rotateRefreshToken("unknown", new RefreshRecord("h5", null, null, now.plusSeconds(7200)), now));
        })
        .map(cf -> {
          assertTrue(cf.<java.util.Optional<?>>resultAt(0).isEmpty(), "a spent token is refused");
          assertEquals("h3", cf.<java.util.Optional<RefreshRecord>>resultAt(1).orElseThrow().tokenHash(), "its replacement rotates");
          assertTrue(cf.<java.util.Optional<?>>resultAt(2).isEmpty(), "an expired token is refused");
          assertTrue(cf.<java.util.Optional<?>>resultAt(3).isEmpty());
          return null;
        }));
  }

  // ---------------------------------------------------------------- recovery

  @Test
  void turnsLeftRunningAreListedForRecovery(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession("acme", "u1", "s1")
        .compose(v -> tenantWithSession("beta", "u2", "s2"))
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "a1", null, "q", 50, 1000)))
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "a2", null, "q", 50, 1000)))
        .compose(v -> s.usage().reserveTurn(reserve("beta", "u2", "s2", "b1", null, "q", 50, 1000)))
        .compose(v -> s.usage().settleTurn(settle("acme", "u1", "s1", "a2", "done", false)))
        .compose(v -> s.usage().runningTurns())
        .map(running -> {
          assertEquals(Set.of("acme/a1", "beta/b1"), running.stream().map(t -> t.tenantId() + "/" + t.turnId()).collect(Collectors.toSet()));
          TurnRecord a1 = running.stream().filter(t -> t.turnId().equals("a1")).findFirst().orElseThrow();
          assertEquals("u1", a1.userId());
          assertEquals("s1", a1.sessionId());
          assertEquals(DAY, a1.dayKey());
          assertEquals(MONTH, a1.monthKey());
          return null;
        }));
  }
}
