package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.concurrently;
import static io.agentchat.store.StoreContractTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tenants' audit logs: each tenant reads only its own entries, newest first, by a time range that includes its start and
 * excludes its end, of one kind or all, up to a limit; an entry id is stored once within its tenant, however often and
 * however concurrently it is appended.
 */
interface AuditContract extends StoreContract {
  /** Times as the stores keep them (milliseconds). */
  Instant AUDIT_BASE = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(86_400);

  static AuditEntry entry(String tenant, String entryId, Instant at, String kind) {
    return new AuditEntry(tenant, entryId, at, kind, "a1", "a1@" + tenant + ".test", "u-" + entryId, "203.0.113.7",
        "{\"entry\":\"" + entryId + "\"}");
  }

  static Future<Void> appendAll(Store s, List<AuditEntry> entries) {
    Future<Void> chain = Future.succeededFuture();
    for (AuditEntry e : entries) {
      chain = chain.compose(v -> s.audit().append(e));
    }
    return chain;
  }

  static List<String> ids(List<AuditEntry> entries) {
    return entries.stream().map(AuditEntry::entryId).toList();
  }

  @Test
  default void aTenantReadsItsOwnEntriesNewestFirstByTimeKindAndLimit(Vertx vertx, VertxTestContext ctx) {
    Instant t0 = AUDIT_BASE;
    AuditEntry anonymous = new AuditEntry("acme", "e5", t0.plusSeconds(50), "login_failed", null, null, "who@acme.test", "198.51.100.2", null);
    List<AuditEntry> acme = List.of(
        entry("acme", "e1", t0.plusSeconds(10), "member_removed"),
        entry("acme", "e2", t0.plusSeconds(20), "role_changed"),
        entry("acme", "e3", t0.plusSeconds(30), "member_removed"),
        // the same instant as e3: the entry id orders them
        entry("acme", "e4", t0.plusSeconds(30), "role_changed"),
        anonymous,
        entry("acme", "e6", t0.plusSeconds(60), "member_removed"));
    // the same entry ids in another tenant are that tenant's own entries
    List<AuditEntry> beta = List.of(entry("beta", "e1", t0.plusSeconds(10), "member_removed"), entry("beta", "e9", t0.plusSeconds(40), "key_created"));
    run(vertx, ctx, s -> appendAll(s, List.of(acme.get(5), beta.get(1), acme.get(0), acme.get(3), beta.get(0), acme.get(2), acme.get(4), acme.get(1)))
        .compose(v -> Future.all(List.of(
            s.audit().entries("acme", t0, t0.plusSeconds(3600), null, 100),
            s.audit().entries("beta", t0, t0.plusSeconds(3600), null, 100),
            s.audit().entries("acme", t0.plusSeconds(20), t0.plusSeconds(50), null, 100),
            s.audit().entries("acme", t0, t0.plusSeconds(3600), "member_removed", 100),
            s.audit().entries("acme", t0, t0.plusSeconds(3600), null, 2),
            s.audit().entries("acme", t0, t0.plusSeconds(3600), "member_removed", 2),
            s.audit().entries("acme", t0.plusSeconds(61), t0.plusSeconds(3600), null, 100),
            s.audit().entries("gamma", t0, t0.plusSeconds(3600), null, 100))))
        .map(cf -> {
          List<AuditEntry> all = cf.resultAt(0);
          assertEquals(List.of("e6", "e5", "e4", "e3", "e2", "e1"), ids(all), "newest first, the entry id after the time");
          assertEquals(acme.stream().sorted(Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::entryId).reversed()).toList(), all,
              "read back as appended");
          assertEquals(anonymous, all.get(1), "an anonymous caller's entry keeps its empty fields empty");
          assertEquals(List.of(beta.get(1), beta.get(0)), cf.resultAt(1), "only the tenant's own entries");
          assertEquals(List.of("e4", "e3", "e2"), ids(cf.resultAt(2)), "from inclusive (e2 at 20 s), to exclusive (e5 at 50 s)");
          assertEquals(List.of("e6", "e3", "e1"), ids(cf.resultAt(3)), "of one kind");
          assertEquals(List.of("e6", "e5"), ids(cf.resultAt(4)), "the newest up to the limit");
          assertEquals(List.of("e6", "e3"), ids(cf.resultAt(5)), "the limit counts entries of the kind");
          assertEquals(List.of(), cf.resultAt(6));
          assertEquals(List.of(), cf.resultAt(7));
          return null;
        }));
  }

  @Test
  default void anEntryIdIsStoredOnceWithinItsTenantEvenAppendedConcurrently(Vertx vertx, VertxTestContext ctx) {
    Instant t0 = AUDIT_BASE;
    AuditEntry first = entry("acme", "dup", t0.plusSeconds(10), "member_removed");
    run(vertx, ctx, s -> s.audit().append(first)
        .compose(v -> s.audit().append(first))
        // appended again later (a retry after a lost answer, with the time of the retry)
        .compose(v -> s.audit().append(entry("acme", "dup", t0.plusSeconds(20), "member_removed")))
        .compose(v -> concurrently(20, i -> s.audit().append(entry("acme", "race", t0.plusSeconds(30 + i), "role_changed"))))
        .compose(all -> {
          assertEquals(20, count(all, Future::succeeded), "every append of an entry id succeeds");
          return concurrently(20, i -> s.audit().append(entry("beta", "race", t0.plusSeconds(30), "role_changed")));
        })
        .compose(all -> Future.all(s.audit().entries("acme", t0, t0.plusSeconds(3600), null, 100),
            s.audit().entries("beta", t0, t0.plusSeconds(3600), null, 100)))
        .map(cf -> {
          List<AuditEntry> acme = cf.resultAt(0);
          assertEquals(List.of("race", "dup"), ids(acme), "one entry per id");
          assertEquals(first, acme.get(1), "the first append's entry, at its time");
          assertEquals(List.of(entry("beta", "race", t0.plusSeconds(30), "role_changed")), cf.resultAt(1));
          return null;
        }));
  }

  @Test
  default void theLastFiftyOfTwoHundredEntries(Vertx vertx, VertxTestContext ctx) {
    Instant t0 = AUDIT_BASE;
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      entries.add(entry("acme", String.format("n%03d", i), t0.plusMillis(1000L * i), i % 3 == 0 ? "login" : "role_changed"));
    }
    run(vertx, ctx, s -> concurrently(200, i -> s.audit().append(entries.get(i)))
        .compose(all -> {
          assertEquals(200, count(all, Future::succeeded));
          return Future.all(s.audit().entries("acme", t0, t0.plusSeconds(3600), null, 50),
              s.audit().entries("acme", t0, t0.plusSeconds(3600), null, 1000),
              s.audit().entries("acme", t0, t0.plusSeconds(3600), "login", 10));
        })
        .map(cf -> {
          List<AuditEntry> expected = new ArrayList<>(entries.subList(150, 200));
          java.util.Collections.reverse(expected);
          assertEquals(expected, cf.resultAt(0), "the newest fifty, newest first");
          assertEquals(200, cf.<List<AuditEntry>>resultAt(1).size());
          assertEquals(List.of("n198", "n195", "n192", "n189", "n186", "n183", "n180", "n177", "n174", "n171"), ids(cf.resultAt(2)));
          return null;
        }));
  }
}
