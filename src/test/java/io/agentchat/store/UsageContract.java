package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.DAY;
import static io.agentchat.store.StoreContractTest.MONTH;
import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.concurrently;
import static io.agentchat.store.StoreContractTest.count;
import static io.agentchat.store.StoreContractTest.reserve;
import static io.agentchat.store.StoreContractTest.settle;
import static io.agentchat.store.StoreContractTest.tenantWithSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reservations and settlements of turns (quotas exact under concurrency, a request charged once, a settlement applied
 * once), the totals of usage and their rollups, and the turns left running for recovery.
 */
interface UsageContract extends StoreContract {

  @Test
  default void hundredConcurrentReservationsAgainstFiftyAdmitExactlyFifty(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
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
  default void theMonthlyLimitRefusesAndTheDayCountIsGivenBack(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
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
  default void aRequestIdReservesOnceHoweverOftenItIsSent(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
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
  default void settlingTwiceRecordsNothingTwiceAndRefundsOnce(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
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
  default void settlingAnUnknownTurnIsNotFound(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> s.usage().settleTurn(settle("acme", "u1", "s1", "nope", "x", false)).transform(ar -> {
      assertEquals(ErrorCode.NOT_FOUND, code(ar));
      return Future.succeededFuture();
    }));
  }

  @Test
  default void rebuildingRollupsFromEventsReproducesTheTotals(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "acme-two", "u2", "s1"))
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

  @Test
  default void turnsLeftRunningAreListedForRecovery(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "u2", "s2"))
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
