package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.DAY;
import static io.agentchat.store.StoreContractTest.MONTH;
import static io.agentchat.store.StoreContractTest.admin;
import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.reserve;
import static io.agentchat.store.StoreContractTest.session;
import static io.agentchat.store.StoreContractTest.settle;
import static io.agentchat.store.StoreContractTest.tenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.dynamodb.DynamoConfig;
import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import io.agentchat.store.dynamodb.DynamoStore;
import io.agentchat.support.Dynalite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What only the DynamoDB store has to prove: repairs after a crash between two of its writes, undo of a refused step,
 * items past their TTL skipped on read, and a clear stop when its tables are missing. A second, raw SDK client plays the
 * crash by writing items the way the store lays them out (docs/dynamodb.md).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DynamoStoreTest {
  private String prefix;
  private DynamoStore store;
  private DynamoDbAsyncClient raw;

  private static DynamoConfig config(String prefix, boolean create) {
    JsonObject json = Dynalite.shared().storeConfig(prefix).put("createTables", create);
    return DynamoConfig.from(new ConfigReader(json, "store.dynamodb"));
  }

  @BeforeEach
  void open(Vertx vertx, VertxTestContext ctx) {
    prefix = Dynalite.uniquePrefix();
    raw = DynamoDbAsyncClient.builder().endpointOverride(URI.create(Dynalite.shared().endpoint())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    DynamoStore.open(vertx, config(prefix, true), 100, Clock.systemUTC()).onComplete(ctx.succeeding(s -> {
      store = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    raw.close();
    store.close().onComplete(ctx.succeedingThenComplete());
  }

  private <T> Future<T> rawCall(Vertx vertx, Supplier<CompletableFuture<T>> call) {
    return Future.fromCompletionStage(call.get(), vertx.getOrCreateContext());
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  @Test
  void rebuildingRepairsRollupsThatACrashLeftBehindTheirEvents(Vertx vertx, VertxTestContext ctx) {
    String usage = prefix + "tenant-usage";
    String dayPk = "acme#D#2026-11-28#" + Math.floorMod("u1".hashCode(), 8);
    // an event written by a settlement that stopped before advancing its rollup
    Map<String, AttributeValue> orphanEvent = Map.ofEntries(Map.entry("pk", s("acme#T#t2")), Map.entry("sk", s("EVENT#t2/input_tokens")),
        Map.entry("tenant_id", s("acme")), Map.entry("event_id", s("t2/input_tokens")), Map.entry("user_id", s("u1")),
        Map.entry("session_id", s("s1")), Map.entry("turn_id", s("t2")), Map.entry("kind", s("input_tokens")),
        Map.entry("service", s("bedrock_models")), Map.entry("model", s("anthropic.claude-3-haiku")), Map.entry("quantity", n(100)),
        Map.entry("cost_nanos", n(25_000)), Map.entry("estimated", AttributeValue.fromBool(false)),
        Map.entry("created_at", n(Instant.parse("2026-11-28T11:00:00Z").toEpochMilli())), Map.entry("day", s("2026-11-28")),
        Map.entry("day_pk", s(dayPk)));
    // a rollup that no event supports (as an increment applied twice would leave)
    Map<String, AttributeValue> ghostRollup = Map.of("pk", s("acme#U#u1"), "sk", s("ROLLUP#2026-11-28#tools#ghost"), "day_pk", s(dayPk),
        "user_id", s("u1"), "tool_actions", n(5), "cost_nanos", n(7_777));
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.sessions().createSession(session("acme", "s1", "u1", Instant.now(), Duration.ofHours(1)), 3))
        .compose(v -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "q", 50, 1000)))
        .compose(v -> store.usage().settleTurn(settle("acme", "u1", "s1", "t1", "a", false)))
        .compose(v -> rawCall(vertx, () -> raw.putItem(b -> b.tableName(usage).item(orphanEvent))))
        .compose(v -> rawCall(vertx, () -> raw.putItem(b -> b.tableName(usage).item(ghostRollup))))
        .compose(v -> store.usage().userTotals("acme", "u1", "2026-11-28", "2026-11-28"))
        .compose(broken -> {
          assertEquals(new UsageTotals(12, 40, 1, 5, 1_060_777), broken, "the rollups disagree with the events");
          return store.reports().rebuildRollups("acme", "2026-11-28", "2026-11-28");
        })
        .compose(n -> {
          assertEquals(2L, n);
          return store.usage().userTotals("acme", "u1", "2026-11-28", "2026-11-28");
        })
        .onComplete(ctx.succeeding(fixed -> ctx.verify(() -> {
          assertEquals(new UsageTotals(112, 40, 1, 0, 1_078_000), fixed, "every event counted once, nothing else");
          ctx.completeNow();
        })));
  }

  @Test
  void aReservationRefusedAfterItCountedIsUndone(Vertx vertx, VertxTestContext ctx) {
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.usage().reserveTurn(reserve("acme", "u1", "no-such-session", "t1", "r1", "q", 50, 1000)).transform(Future::succeededFuture))
        .compose(refused -> {
          assertEquals(ErrorCode.NOT_FOUND, code(refused), "the session check comes after both counters were incremented");
          return store.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now());
        })
        .compose(q -> {
          assertEquals(0, q.dailyUsed(), "the day count was given back");
          assertEquals(0, q.monthlyUsed(), "the month count was given back");
          return store.sessions().createSession(session("acme", "no-such-session", "u1", Instant.now(), Duration.ofHours(1)), 3);
        })
        .compose(s -> store.usage().reserveTurn(reserve("acme", "u1", "no-such-session", "t1", "r1", "q", 50, 1000)))
        .onComplete(ctx.succeeding(out -> ctx.verify(() -> {
          assertEquals(ReserveOutcome.Status.RESERVED, out.status(), "the request id was released for a retry");
          assertEquals(1, out.dailyUsed());
          ctx.completeNow();
        })));
  }

  /** The key's hold is the last step of admission: a reservation that fails after it gives it back with every other hold. */
  @Test
  void aReservationWithAKeyThatFailsAfterItsHoldsGivesEveryHoldBack(Vertx vertx, VertxTestContext ctx) {
    long hold = 1_000_000;
    String keyScope = MeteringRules.keyScope("k1");
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.budgets().setBudget("acme", Budget.TENANT, 10 * hold))
        .compose(v -> store.budgets().setBudget("acme", "u1", 10 * hold))
        .compose(v -> store.apiKeys().createKey(new ApiKeyRecord("acme", "k1", "ci", "u1", "hash", "u1", Instant.now(), null, 0, null, null), 10 * hold))
        .compose(v -> store.usage().reserveTurn(new ReserveRequest("acme", "u1", "no-such-session", "t1", "r1", "q", DAY, MONTH, 50, 1000,
            Instant.now(), hold, "k1")).transform(Future::succeededFuture))
        .compose(failed -> {
          assertEquals(ErrorCode.NOT_FOUND, code(failed), "the question is written after every check took its hold");
          return Future.all(store.budgets().budgets("acme", MONTH), store.usage().quotaUsage("acme", "u1", DAY, MONTH, Instant.now()));
        })
        .onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
          java.util.List<Budget> budgets = cf.resultAt(0);
          assertEquals(java.util.List.of(Budget.TENANT, keyScope, "u1"), budgets.stream().map(Budget::scope).toList());
          assertTrue(budgets.stream().allMatch(b -> b.reservedNanos() == 0 && b.spentNanos() == 0), "no hold stays: " + budgets);
          assertEquals(0, cf.<QuotaUsage>resultAt(1).dailyUsed());
          ctx.completeNow();
        })));
  }

  @Test
  void itemsPastTheirTtlAreSkippedOnRead(Vertx vertx, VertxTestContext ctx) {
    String sessions = prefix + "tenant-sessions";
    long past = Instant.now().minusSeconds(60).getEpochSecond();
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.sessions().createSession(session("acme", "s1", "u1", Instant.now(), Duration.ofHours(1)), 3))
        .compose(v -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "q", 50, 1000)))
        .compose(v -> store.sessions().messages("acme", "s1", 10))
        .compose(before -> {
          assertEquals(1, before.size());
          // what DynamoDB has not deleted yet although the TTL has passed
          return Future.all(
              rawCall(vertx, () -> raw.updateItem(b -> b.tableName(sessions).key(Map.of("pk", s("acme#S#s1"), "sk", s("SESSION")))
                  .updateExpression("SET #t = :t").expressionAttributeNames(Map.of("#t", "ttl")).expressionAttributeValues(Map.of(":t", n(past))))),
              rawCall(vertx, () -> raw.updateItem(b -> b.tableName(sessions).key(Map.of("pk", s("acme#S#s1"), "sk", s("MSG#0000000001#0")))
                  .updateExpression("SET #t = :t").expressionAttributeNames(Map.of("#t", "ttl")).expressionAttributeValues(Map.of(":t", n(past))))));
        })
        .compose(v -> Future.all(store.sessions().session("acme", "s1"), store.sessions().sessions("acme", "u1", 10), store.sessions().messages("acme", "s1", 10)))
        .onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
          assertTrue(cf.<java.util.Optional<?>>resultAt(0).isEmpty());
          assertTrue(cf.<java.util.List<?>>resultAt(1).isEmpty());
          assertTrue(cf.<java.util.List<?>>resultAt(2).isEmpty());
          ctx.completeNow();
        })));
  }

  /**
   * A removal that stopped after its first write (role, removal time and refresh generation), and a mark whose index item
   * was never written: the caller's retry completes each, with the removal's own time.
   */
  @Test
  void aRemovalOrRevocationThatStoppedHalfWayIsCompletedByItsRetry(Vertx vertx, VertxTestContext ctx) {
    String identity = prefix + "tenant-identity";
    Instant removedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(60);
    Instant marked = removedAt.minusSeconds(60);
    Instant since = removedAt.minusSeconds(3600);
    UserRecord svc = new UserRecord("acme", "svc-1", "svc-1@acme.service.invalid", "", UserRecord.SERVICE, true, null, Instant.now());
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.identity().addServiceAccount(svc))
        .compose(v -> store.identity().saveRefreshToken(new RefreshRecord("u1-token", "acme", "u1", Instant.now().plusSeconds(3600))))
        .compose(v -> Future.all(
            rawCall(vertx, () -> raw.updateItem(b -> b.tableName(identity).key(Map.of("pk", s("acme"), "sk", s("USER#u1")))
                .updateExpression("SET #role = :removed, #removed_at = :at ADD #gen :one")
                .expressionAttributeNames(Map.of("#role", "role", "#removed_at", "removed_at", "#gen", "refresh_gen"))
                .expressionAttributeValues(Map.of(":removed", s(UserRecord.REMOVED), ":at", n(removedAt.toEpochMilli()), ":one", n(1))))),
            rawCall(vertx, () -> raw.updateItem(b -> b.tableName(identity).key(Map.of("pk", s("acme"), "sk", s("USER#svc-1")))
                .updateExpression("SET #m = :at").expressionAttributeNames(Map.of("#m", "tokens_revoked_before"))
                .expressionAttributeValues(Map.of(":at", n(marked.toEpochMilli())))))))
        .compose(v -> Future.all(store.identity().tokenMarks(since), store.identity().rotateRefreshToken("u1-token",
            new RefreshRecord("u1-next", null, null, Instant.now().plusSeconds(7200)), Instant.now())))
        .compose(cf -> {
          assertEquals(java.util.List.of(), cf.resultAt(0), "neither mark is indexed");
          assertTrue(cf.<java.util.Optional<?>>resultAt(1).isEmpty(), "the first write alone revoked the refresh tokens");
          return Future.all(store.identity().removeMember("acme", "u1", Instant.now()), store.identity().revokeTokens("acme", "svc-1", marked, false));
        })
        .compose(cf -> {
          assertEquals(false, cf.resultAt(0), "removed already");
          return store.identity().tokenMarks(since);
        })
        .onComplete(ctx.succeeding(marks -> ctx.verify(() -> {
          assertEquals(java.util.List.of(new TokenMark("acme", "svc-1", marked), new TokenMark("acme", "u1", removedAt)), marks,
              "each mark indexed, the removal's at the removal's time");
          ctx.completeNow();
        })));
  }

  /**
   * An erasure that stopped part-way (the tenant suspended, the session's partition and the admin's e-mail claim deleted,
   * nothing else): the freed address is claimed by a new account meanwhile; the repeat finishes every step, finding the
   * turn's trace through the turn totals now that the messages are gone, and leaves the new account's claim alone.
   */
  @Test
  void anErasureThatStoppedPartWayIsFinishedByItsRepeat(Vertx vertx, VertxTestContext ctx) {
    String identity = prefix + "tenant-identity";
    String sessions = prefix + "tenant-sessions";
    String directory = prefix + "auth-directory";
    Instant now = Instant.now();
    store.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> store.sessions().createSession(session("acme", "s1", "u1", now, Duration.ofHours(1)), 3))
        .compose(v -> store.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "q", 50, 1000)))
        .compose(v -> store.usage().settleTurn(new SettleRequest("acme", "u1", "s1", "t1", "completed", "a",
            StoreContractTest.turnUsage("acme", "u1", "s1", "t1"), false, now, java.util.List.of(new JsonObject().put("step", "plan")))))
        .compose(v -> store.identity().createInvite("acme", "code-1", "u1", now.plusSeconds(3600)))
        .compose(v -> Future.all(java.util.List.of(
            rawCall(vertx, () -> raw.updateItem(b -> b.tableName(identity).key(Map.of("pk", s("acme"), "sk", s("TENANT")))
                .updateExpression("SET #s = :yes").expressionAttributeNames(Map.of("#s", "suspended"))
                .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true))))),
            rawCall(vertx, () -> raw.deleteItem(b -> b.tableName(sessions).key(Map.of("pk", s("acme#S#s1"), "sk", s("SESSION"))))),
            rawCall(vertx, () -> raw.deleteItem(b -> b.tableName(sessions).key(Map.of("pk", s("acme#S#s1"), "sk", s("MSG#0000000001#0"))))),
            rawCall(vertx, () -> raw.deleteItem(b -> b.tableName(sessions).key(Map.of("pk", s("acme#S#s1"), "sk", s("MSG#0000000001#1"))))),
            rawCall(vertx, () -> raw.deleteItem(b -> b.tableName(directory).key(Map.of("pk", s("EMAIL#u1@acme.test"), "sk", s("EMAIL"))))))))
        .compose(v -> store.identity().createTenantWithAdmin(tenant("newco"), admin("newco", "n1", "u1@acme.test")))
        .compose(v -> store.identity().eraseOrganisation("acme", now))
        .compose(erased -> {
          assertTrue(erased, "the repeat finishes and marks the organisation erased");
          return Future.all(java.util.List.of(store.usage().traces("acme", "t1"), store.identity().invites("acme"),
              store.identity().user("acme", "u1"), store.identity().userByEmail("u1@acme.test"), store.identity().tenant("acme"),
              store.usage().turn("acme", "t1"), store.identity().eraseOrganisation("acme", now.plusSeconds(1))));
        })
        .onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
          assertEquals(java.util.List.of(), cf.resultAt(0), "the trace found through the turn totals");
          assertEquals(java.util.List.of(), cf.resultAt(1), "no invites");
          UserRecord u1 = cf.<java.util.Optional<UserRecord>>resultAt(2).orElseThrow();
          assertEquals("u1@erased.invalid", u1.email());
          assertTrue(u1.removed());
          assertEquals("newco", cf.<java.util.Optional<UserRecord>>resultAt(3).orElseThrow().tenantId(), "the new account keeps the address");
          assertTrue(cf.<java.util.Optional<TenantRecord>>resultAt(4).orElseThrow().erased());
          assertTrue(cf.<java.util.Optional<?>>resultAt(5).isPresent(), "the turn stays");
          assertEquals(false, cf.resultAt(6), "erased once");
          ctx.completeNow();
        })));
  }

  /** An append that stopped after claiming its entry id: the next append of the id stores the first one's entry. */
  @Test
  void anAuditEntryWhoseIdWasClaimedAloneIsStoredByTheNextAppendOfTheId(Vertx vertx, VertxTestContext ctx) {
    String identity = prefix + "tenant-identity";
    Instant first = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(60);
    AuditEntry entry = new AuditEntry("acme", "e1", first, "member_removed", "u1", "u1@acme.test", "u2", "203.0.113.9", "{}");
    Map<String, AttributeValue> claim = Map.ofEntries(Map.entry("pk", s("acme#A")), Map.entry("sk", s("ID#e1")), Map.entry("tenant_id", s("acme")),
        Map.entry("entry_id", s("e1")), Map.entry("at", n(first.toEpochMilli())), Map.entry("kind", s("member_removed")),
        Map.entry("actor_user_id", s("u1")), Map.entry("actor_email", s("u1@acme.test")), Map.entry("target", s("u2")),
        Map.entry("client_address", s("203.0.113.9")), Map.entry("detail", s("{}")));
    rawCall(vertx, () -> raw.putItem(b -> b.tableName(identity).item(claim)))
        .compose(v -> store.audit().entries("acme", first.minusSeconds(3600), Instant.now().plusSeconds(60), null, 10))
        .compose(none -> {
          assertEquals(java.util.List.of(), none, "claimed, not stored");
          return store.audit().append(new AuditEntry("acme", "e1", Instant.now(), "member_removed", "u1", "u1@acme.test", "u2", "203.0.113.9", "{}"));
        })
        .compose(v -> store.audit().entries("acme", first.minusSeconds(3600), Instant.now().plusSeconds(60), null, 10))
        .onComplete(ctx.succeeding(entries -> ctx.verify(() -> {
          assertEquals(java.util.List.of(entry), entries, "the first append's entry, at its time");
          ctx.completeNow();
        })));
  }

  @Test
  void missingTablesStopTheStartWithTheirName(Vertx vertx, VertxTestContext ctx) {
    String fresh = Dynalite.uniquePrefix();
    DynamoStore.open(vertx, config(fresh, false), 100, Clock.systemUTC()).onComplete(ctx.failing(t -> ctx.verify(() -> {
      ConfigException e = assertInstanceOf(ConfigException.class, t);
      assertEquals("store.dynamodb.tables.sessions", e.key());
      assertTrue(e.getMessage().contains("table \"" + fresh + "tenant-sessions\" does not exist"), e.getMessage());
      assertTrue(e.getMessage().contains("store.dynamodb.createTables=true"), e.getMessage());
      ctx.completeNow();
    })));
  }
}
