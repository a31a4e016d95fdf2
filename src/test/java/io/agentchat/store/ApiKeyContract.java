package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.DAY;
import static io.agentchat.store.StoreContractTest.MONTH;
import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.concurrently;
import static io.agentchat.store.StoreContractTest.count;
import static io.agentchat.store.StoreContractTest.session;
import static io.agentchat.store.StoreContractTest.settle;
import static io.agentchat.store.StoreContractTest.tenantWithSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.ReserveOutcome.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * API keys: created, listed, revoked once and touched forward, each within its tenant; a key's budget admits exactly what
 * fits it and is charged once by the settlement of each turn that came with the key; per-key totals; service accounts.
 */
interface ApiKeyContract extends StoreContract {
  /** Times as the stores keep them (milliseconds). */
  Instant BASE = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  long HOLD = 1_000_000;
  /** What {@link StoreContractTest#turnUsage} costs. */
  long TURN_COST = 1_053_000;

  static ApiKeyRecord key(String tenant, String keyId, String userId, Instant createdAt) {
    return new ApiKeyRecord(tenant, keyId, "key " + keyId, userId, "sha256-of-" + keyId, userId, createdAt, createdAt.plus(Duration.ofDays(30)),
        60, null, null);
  }

  /** A reservation that came with an API key (or none) and holds {@code hold} against the turn's budgets. */
  static ReserveRequest reserveWithKey(String tenant, String user, String sessionId, String turnId, String keyId, long hold, Instant now) {
    return new ReserveRequest(tenant, user, sessionId, turnId, "r-" + turnId, "question " + turnId, DAY, MONTH, 1000, 1000, now, hold, keyId);
  }

  static Budget budget(List<Budget> budgets, String scope) {
    return budgets.stream().filter(b -> b.scope().equals(scope)).findFirst().orElseThrow(() -> new AssertionError("no budget " + scope));
  }

  @Test
  default void aKeyIsReadListedRevokedOnceAndTouchedForwardOnlyWithinItsTenant(Vertx vertx, VertxTestContext ctx) {
    ApiKeyRecord k1 = key("acme", "k1", "u1", BASE.minusSeconds(7200));
    ApiKeyRecord k2 = new ApiKeyRecord("acme", "k2", "no expiry", "u1", "sha256-of-k2", "u1", BASE.minusSeconds(3600), null, 0, null, null);
    ApiKeyRecord kb = key("beta", "kb", "b1", BASE.minusSeconds(60));
    Instant revokedAt = BASE.minusSeconds(30);
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "b1", "s1"))
        .compose(v -> s.apiKeys().createKey(k1, 5 * HOLD))
        .compose(v -> s.apiKeys().createKey(k2, -1))
        .compose(v -> s.apiKeys().createKey(kb, -1))
        .compose(v -> s.apiKeys().createKey(key("acme", "k1", "u1", BASE), 1).transform(Future::succeededFuture))
        .compose(again -> {
          assertEquals(ErrorCode.INVALID_REQUEST, code(again), "a key id is taken once within its tenant");
          return Future.all(List.of(s.apiKeys().key("acme", "k1"), s.apiKeys().key("acme", "k2"), s.apiKeys().keys("acme"), s.apiKeys().keys("beta"),
              s.apiKeys().key("beta", "k1"), s.budgets().budgets("acme", MONTH), s.budgets().budgets("beta", MONTH)));
        })
        .compose(cf -> {
          assertEquals(k1, cf.<Optional<ApiKeyRecord>>resultAt(0).orElseThrow(), "read back as created");
          assertEquals(k2, cf.<Optional<ApiKeyRecord>>resultAt(1).orElseThrow(), "no expiry, no rate of its own");
          assertEquals(List.of("k2", "k1"), cf.<List<ApiKeyRecord>>resultAt(2).stream().map(ApiKeyRecord::keyId).toList(), "newest first");
          assertEquals(List.of(kb), cf.resultAt(3));
          assertTrue(cf.<Optional<?>>resultAt(4).isEmpty(), "another tenant's key id is not found");
          List<Budget> budgets = cf.resultAt(5);
          assertEquals(List.of(new Budget("acme", MeteringRules.keyScope("k1"), 5 * HOLD, 0, 0)), budgets,
              "only the key created with a limit has a budget, and the refused second creation left it as it was");
          assertTrue(cf.<List<Budget>>resultAt(6).isEmpty());
          return Future.all(List.of(s.apiKeys().revokeKey("acme", "k1", revokedAt), s.apiKeys().revokeKey("beta", "k1", revokedAt),
              s.apiKeys().revokeKey("acme", "nope", revokedAt)));
        })
        .compose(cf -> {
          assertTrue(cf.<Boolean>resultAt(0));
          assertFalse(cf.<Boolean>resultAt(1), "another tenant cannot revoke the key");
          assertFalse(cf.<Boolean>resultAt(2));
          return s.apiKeys().revokeKey("acme", "k1", BASE);
        })
        .compose(second -> {
          assertFalse(second, "a key is revoked once");
          return s.apiKeys().touchKey("acme", "k2", BASE.minusSeconds(10));
        })
        .compose(v -> s.apiKeys().touchKey("acme", "k2", BASE.minusSeconds(20)))
        .compose(v -> s.apiKeys().touchKey("beta", "k2", BASE))
        .compose(v -> Future.all(s.apiKeys().key("acme", "k1"), s.apiKeys().key("acme", "k2"), s.apiKeys().key("beta", "k2"), s.apiKeys().keys("acme")))
        .compose(cf -> {
          ApiKeyRecord revoked = cf.<Optional<ApiKeyRecord>>resultAt(0).orElseThrow();
          assertEquals(revokedAt, revoked.revokedAt(), "the first revocation's time stays");
          assertFalse(revoked.usable(BASE));
          assertEquals(BASE.minusSeconds(10), cf.<Optional<ApiKeyRecord>>resultAt(1).orElseThrow().lastUsedAt(), "the last use never moves back");
          assertTrue(cf.<Optional<?>>resultAt(2).isEmpty(), "touching another tenant's key id creates nothing");
          assertEquals(List.of("k2", "k1"), cf.<List<ApiKeyRecord>>resultAt(3).stream().map(ApiKeyRecord::keyId).toList(), "revoked keys are listed");
          return s.apiKeys().touchKey("acme", "k2", BASE);
        })
        .compose(v -> s.apiKeys().key("acme", "k2"))
        .map(k -> {
          assertEquals(BASE, k.orElseThrow().lastUsedAt());
          assertTrue(k.get().usable(BASE));
          return null;
        }));
  }

  @Test
  default void aKeysBudgetAdmitsExactlyTheHoldsThatFitItAndHoldsOnlyItsOwnTurns(Vertx vertx, VertxTestContext ctx) {
    String keyScope = MeteringRules.keyScope("k1");
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> s.budgets().setBudget("acme", Budget.TENANT, 1000 * HOLD))
        .compose(v -> s.budgets().setBudget("acme", "u1", 1000 * HOLD))
        .compose(v -> s.apiKeys().createKey(key("acme", "k1", "u1", BASE), 7 * HOLD))
        .compose(v -> s.apiKeys().createKey(key("acme", "k2", "u1", BASE), -1))
        .compose(v -> concurrently(100, i -> s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "t" + i, "k1", HOLD, Instant.now()))))
        .compose(all -> {
          assertEquals(100, count(all, Future::succeeded), "refusals are outcomes");
          assertEquals(7, count(all, f -> f.result().status() == Status.RESERVED), "exactly the holds that fit the key's budget");
          assertEquals(93, count(all, f -> f.result().status() == Status.KEY_BUDGET_EXCEEDED));
          return Future.all(s.budgets().budgets("acme", MONTH), s.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()));
        })
        .compose(cf -> {
          List<Budget> budgets = cf.resultAt(0);
          assertEquals(new Budget("acme", keyScope, 7 * HOLD, 0, 7 * HOLD), budget(budgets, keyScope));
          assertEquals(7 * HOLD, budget(budgets, Budget.TENANT).reservedNanos(), "a refused reservation gives its tenant hold back");
          assertEquals(7 * HOLD, budget(budgets, "u1").reservedNanos(), "and its user hold");
          assertEquals(7, cf.<QuotaUsage>resultAt(1).dailyUsed(), "and its message");
          return Future.all(s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "no-key", null, HOLD, Instant.now())),
              s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "other-key", "k2", HOLD, Instant.now())));
        })
        .compose(cf -> {
          ReserveOutcome noKey = cf.resultAt(0);
          assertEquals(Status.RESERVED, noKey.status(), "a turn without the key is not refused by the key's budget");
          assertNull(noKey.turn().apiKeyId());
          ReserveOutcome otherKey = cf.resultAt(1);
          assertEquals(Status.RESERVED, otherKey.status(), "nor is a turn of a key without a budget");
          assertEquals("k2", otherKey.turn().apiKeyId());
          return s.budgets().budgets("acme", MONTH);
        })
        .map(budgets -> {
          assertEquals(7 * HOLD, budget(budgets, keyScope).reservedNanos(), "other turns hold nothing against the key");
          assertEquals(9 * HOLD, budget(budgets, Budget.TENANT).reservedNanos());
          assertEquals(9 * HOLD, budget(budgets, "u1").reservedNanos());
          assertEquals(3, budgets.size(), "the tenant's, the user's and k1's: a key without a budget has none");
          return null;
        }));
  }

  @Test
  default void settlingATurnOfAKeyChargesTheKeyOnceAndItsTurnCarriesTheKey(Vertx vertx, VertxTestContext ctx) {
    String keyScope = MeteringRules.keyScope("k1");
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "u1", "s1"))
        .compose(v -> s.apiKeys().createKey(key("acme", "k1", "u1", BASE), 2 * HOLD))
        .compose(v -> s.apiKeys().createKey(key("acme", "k2", "u1", BASE), -1))
        .compose(v -> s.apiKeys().createKey(key("beta", "k1", "u1", BASE), -1))
        .compose(v -> s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "t1", "k1", 3 * HOLD / 2, Instant.now())))
        .compose(out -> {
          assertEquals(Status.RESERVED, out.status());
          assertEquals("k1", out.turn().apiKeyId());
          return Future.all(List.of(s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "t1", "k1", 3 * HOLD / 2, Instant.now())),
              s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "t2", "k2", 0, Instant.now())),
              s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "t3", null, 0, Instant.now())),
              s.usage().reserveTurn(reserveWithKey("beta", "u1", "s1", "b1", "k1", 0, Instant.now()))));
        })
        .compose(cf -> {
          ReserveOutcome duplicate = cf.resultAt(0);
          assertEquals(Status.DUPLICATE, duplicate.status());
          assertEquals("k1", duplicate.turn().apiKeyId(), "the earlier turn answers with its key");
          return Future.all(s.usage().runningTurns(), s.usage().turn("acme", "t1"), s.budgets().budgets("acme", MONTH));
        })
        .compose(cf -> {
          List<TurnRecord> running = cf.resultAt(0);
          assertEquals("k1", running.stream().filter(t -> t.tenantId().equals("acme") && t.turnId().equals("t1")).findFirst().orElseThrow().apiKeyId(),
              "recovery learns the key of a turn left running");
          assertNull(running.stream().filter(t -> t.turnId().equals("t3")).findFirst().orElseThrow().apiKeyId());
          assertEquals("k1", cf.<Optional<TurnRecord>>resultAt(1).orElseThrow().apiKeyId());
          assertEquals(new Budget("acme", keyScope, 2 * HOLD, 0, 3 * HOLD / 2), budget(cf.resultAt(2), keyScope));
          // the settlement names no key: the store charges the key the stored turn came with
          return s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "answer", false));
        })
        .compose(first -> {
          assertTrue(first.applied());
          assertEquals(TURN_COST, first.turnCostNanos());
          assertEquals(List.of(new BudgetAlert("acme", keyScope, MONTH, 50, TURN_COST, 2 * HOLD)), first.alerts(),
              "the key's budget passed half: alerted with the key's scope");
          return s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "answer", false));
        })
        .compose(second -> {
          assertFalse(second.applied());
          assertTrue(second.alerts().isEmpty());
          return concurrently(3, i -> s.usage().settleTurn(settle("acme", "u1", "s1", "t2", "answer", false)));
        })
        .compose(racing -> {
          assertEquals(1, count(racing, f -> f.succeeded() && f.result().applied()));
          return Future.all(List.of(s.usage().settleTurn(settle("acme", "u1", "s1", "t3", "answer", false)),
              s.usage().settleTurn(settle("beta", "u1", "s1", "b1", "answer", false))));
        })
        .compose(cf -> Future.all(List.of(s.apiKeys().keySpending("acme", MONTH), s.budgets().budgets("acme", MONTH), s.usage().turn("acme", "t1"),
            s.apiKeys().keySpending("acme", "m:2026-10"), s.apiKeys().keySpending("beta", MONTH))))
        .map(cf -> {
          assertEquals(Map.of("k1", TURN_COST, "k2", TURN_COST), cf.resultAt(0),
              "each key's turn charged once, a key without a budget too; the turn without a key charged no key");
          assertEquals(List.of(new Budget("acme", keyScope, 2 * HOLD, TURN_COST, 0)), cf.resultAt(1),
              "the hold gave way to the cost; budgets lists the key's budget");
          TurnRecord t1 = cf.<Optional<TurnRecord>>resultAt(2).orElseThrow();
          assertEquals("completed", t1.status());
          assertEquals("k1", t1.apiKeyId(), "a settled turn keeps its key");
          assertTrue(cf.<Map<String, Long>>resultAt(3).isEmpty(), "another month spent nothing");
          assertEquals(Map.of("k1", TURN_COST), cf.resultAt(4), "beta's key of the same id is beta's own");
          return null;
        }));
  }

  @Test
  default void keyTotalsSumEachKeysSettledTurnsOfThePeriod(Vertx vertx, VertxTestContext ctx) {
    Instant from = BASE.minusSeconds(3600);
    Instant to = BASE.plusSeconds(3600);
    UserRecord svc = new UserRecord("acme", "svc", "svc@acme.service", "", UserRecord.SERVICE, true, null, BASE);
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "u1", "s1"))
        .compose(v -> s.identity().addServiceAccount(svc))
        .compose(v -> s.sessions().createSession(session("acme", "s-svc", "svc", Instant.now(), Duration.ofHours(1)), 10))
        .compose(v -> Future.all(List.of(
            // [from, to): two of k1 (one at its very start), one of k2 by the service account, one without a key
            s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "a", "k1", 0, from)),
            s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "b", "k1", 0, BASE)),
            s.usage().reserveTurn(reserveWithKey("acme", "svc", "s-svc", "c", "k2", 0, BASE)),
            s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "d", null, 0, BASE)),
            // outside the period: before it, and at its end
            s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "e", "k1", 0, from.minusMillis(1))),
            s.usage().reserveTurn(reserveWithKey("acme", "svc", "s-svc", "f", "k2", 0, to)),
            // another tenant's turn of a key with the same id
            s.usage().reserveTurn(reserveWithKey("beta", "u1", "s1", "g", "k1", 0, BASE)))))
        .compose(v -> Future.all(List.of(s.usage().settleTurn(settle("acme", "u1", "s1", "a", "x", false)),
            s.usage().settleTurn(settle("acme", "u1", "s1", "b", "x", false)), s.usage().settleTurn(settle("acme", "svc", "s-svc", "c", "x", false)),
            s.usage().settleTurn(settle("acme", "u1", "s1", "d", "x", false)), s.usage().settleTurn(settle("acme", "u1", "s1", "e", "x", false)),
            s.usage().settleTurn(settle("acme", "svc", "s-svc", "f", "x", false)), s.usage().settleTurn(settle("beta", "u1", "s1", "g", "x", false)))))
        // a turn of k1 in the period still running counts nothing yet
        .compose(v -> s.usage().reserveTurn(reserveWithKey("acme", "u1", "s1", "h", "k1", 0, BASE)))
        .compose(v -> Future.all(s.reports().keyTotals("acme", from, to), s.reports().keyTotals("acme", to.plusSeconds(60), to.plusSeconds(120))))
        .map(cf -> {
          assertEquals(List.of(new KeyTotals("k1", 2, 24, 80, 2 * TURN_COST), new KeyTotals("k2", 1, 12, 40, TURN_COST)), cf.resultAt(0));
          assertTrue(cf.<List<KeyTotals>>resultAt(1).isEmpty());
          return null;
        }));
  }

  @Test
  default void aServiceAccountIsAMemberFoundByItsAddressAndTakenOnce(Vertx vertx, VertxTestContext ctx) {
    // made after the tenant's admin
    Instant made = StoreContractTest.NOW.plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
    UserRecord svc = new UserRecord("acme", "svc-1", "svc-1@acme.service", "", UserRecord.SERVICE, true, null, made);
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> s.identity().addServiceAccount(svc))
        .compose(added -> {
          assertEquals(svc, added);
          return Future.all(List.of(
              s.identity().addServiceAccount(new UserRecord("acme", "svc-1", "other@acme.service", "", UserRecord.SERVICE, true, null, BASE))
                  .transform(Future::succeededFuture),
              s.identity().addServiceAccount(new UserRecord("acme", "svc-2", "u1@acme.test", "", UserRecord.SERVICE, true, null, BASE))
                  .transform(Future::succeededFuture),
              s.identity().addServiceAccount(new UserRecord("acme", "u1", "u1-bot@acme.service", "", UserRecord.SERVICE, true, null, BASE))
                  .transform(Future::succeededFuture)));
        })
        .compose(cf -> {
          assertEquals(ErrorCode.USER_EXISTS, code(cf.resultAt(0)), "the tenant has that user id");
          assertEquals(ErrorCode.USER_EXISTS, code(cf.resultAt(1)), "the address is taken");
          assertEquals(ErrorCode.USER_EXISTS, code(cf.resultAt(2)), "a member's id is taken");
          return Future.all(List.of(s.identity().users("acme"), s.identity().userByEmail("svc-1@acme.service"),
              s.identity().userByEmail("other@acme.service"), s.identity().userByEmail("u1-bot@acme.service"), s.identity().user("acme", "u1")));
        })
        .map(cf -> {
          assertEquals(List.of("u1", "svc-1"), cf.<List<UserRecord>>resultAt(0).stream().map(UserRecord::userId).toList(), "a member, oldest first");
          UserRecord found = cf.<Optional<UserRecord>>resultAt(1).orElseThrow();
          assertEquals(UserRecord.SERVICE, found.role());
          assertTrue(found.serviceAccount());
          assertTrue(found.confirmed());
          assertFalse(found.admin());
          assertTrue(cf.<Optional<?>>resultAt(2).isEmpty(), "a refused account leaves its address free");
          assertTrue(cf.<Optional<?>>resultAt(3).isEmpty());
          assertEquals("admin", cf.<Optional<UserRecord>>resultAt(4).orElseThrow().role(), "the member is untouched");
          return null;
        }));
  }
}
