package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.admin;
import static io.agentchat.store.StoreContractTest.tenant;
import static io.agentchat.store.StoreContractTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Members' removal and the revocation of their tokens: a removed member stays listed but cannot sign in again (their
 * refresh tokens no longer rotate, their ID tokens are refused from their mark on), each within its tenant; marks only move
 * forward and are found by time across tenants.
 */
interface MemberRemovalContract extends StoreContract {
  /** Times as the stores keep them (milliseconds). */
  Instant MARK_BASE = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** A tenant with its admin {@code adminId} and, joined by invites, plain users {@code userIds}. */
  static Future<Void> tenantWithMembers(Store s, String tenant, String adminId, String... userIds) {
    Future<Void> chain = s.identity().createTenantWithAdmin(tenant(tenant), admin(tenant, adminId, adminId + "@" + tenant + ".test")).mapEmpty();
    for (String u : userIds) {
      chain = chain.compose(v -> s.identity().createInvite(tenant, "invite-" + u, adminId, Instant.now().plusSeconds(600)))
          .compose(v -> s.identity().joinTenant(tenant, "invite-" + u, user(tenant, u, u + "@" + tenant + ".test"), Instant.now()))
          .compose(joined -> s.identity().confirmUser(tenant, u)).mapEmpty();
    }
    return chain;
  }

  /** A sign-in's refresh token of the user. */
  static Future<Void> signIn(Store s, String tenant, String userId, String hash) {
    return s.identity().saveRefreshToken(new RefreshRecord(hash, tenant, userId, Instant.now().plusSeconds(3600)));
  }

  /** Rotates a refresh token: the hash of its replacement, or empty when it was refused. */
  static Future<Optional<String>> rotate(Store s, String hash) {
    return s.identity().rotateRefreshToken(hash, new RefreshRecord(hash + "+", null, null, Instant.now().plusSeconds(7200)), Instant.now())
        .map(o -> o.map(RefreshRecord::tokenHash));
  }

  /** The marks found since {@code since}, as "tenant/user@epoch ms". */
  static Future<Set<String>> marks(Store s, Instant since) {
    return s.identity().tokenMarks(since).map(all -> {
      Set<String> out = all.stream().map(m -> m.tenantId() + "/" + m.userId() + "@" + m.revokedBefore().toEpochMilli()).collect(Collectors.toSet());
      assertEquals(all.size(), out.size(), "one mark per user: " + all);
      return out;
    });
  }

  static String mark(String tenant, String userId, Instant at) {
    return tenant + "/" + userId + "@" + at.toEpochMilli();
  }

  @Test
  default void aRemovedMemberStaysListedButTheirRefreshTokensAndIdTokensAreRevokedWithinTheirTenantOnly(Vertx vertx, VertxTestContext ctx) {
    Instant at = MARK_BASE.minusSeconds(60);
    Instant older = MARK_BASE.minusSeconds(3600);
    run(vertx, ctx, s -> tenantWithMembers(s, "acme", "a", "u1", "u2")
        .compose(v -> tenantWithMembers(s, "beta", "b"))
        .compose(v -> signIn(s, "acme", "u1", "u1-first"))
        .compose(v -> signIn(s, "acme", "u1", "u1-second"))
        .compose(v -> signIn(s, "acme", "u2", "u2-token"))
        .compose(v -> s.identity().revokeTokens("acme", "u2", older, false))
        .compose(v -> Future.all(s.identity().removeMember("beta", "u1", at), s.identity().removeMember("acme", "nobody", at)))
        .compose(cf -> {
          assertFalse(cf.<Boolean>resultAt(0), "another tenant cannot remove the member");
          assertFalse(cf.<Boolean>resultAt(1), "no such member");
          return Future.all(s.identity().user("acme", "u1"), rotate(s, "u1-first"), marks(s, older));
        })
        .compose(cf -> {
          assertEquals("user", cf.<Optional<UserRecord>>resultAt(0).orElseThrow().role(), "the refused removal changed nothing");
          assertEquals(Optional.of("u1-first+"), cf.resultAt(1), "nor revoked the member's refresh tokens");
          assertEquals(Set.of(mark("acme", "u2", older)), cf.resultAt(2), "nor set a mark");
          return s.identity().removeMember("acme", "u1", at);
        })
        .compose(removed -> {
          assertTrue(removed);
          return Future.all(List.of(s.identity().user("acme", "u1"), s.identity().users("acme"), s.identity().userByEmail("u1@acme.test"),
              rotate(s, "u1-first+"), rotate(s, "u1-second"), rotate(s, "u2-token")));
        })
        .compose(cf -> {
          UserRecord u1 = cf.<Optional<UserRecord>>resultAt(0).orElseThrow();
          assertEquals(UserRecord.REMOVED, u1.role());
          assertTrue(u1.removed());
          assertEquals("u1@acme.test", u1.email(), "the record stays");
          assertEquals(List.of("a", "u1", "u2"), cf.<List<UserRecord>>resultAt(1).stream().map(UserRecord::userId).sorted().toList(),
              "still listed, so reports keep them");
          assertTrue(cf.<Optional<UserRecord>>resultAt(2).orElseThrow().removed(), "found by e-mail, so that login can refuse them clearly");
          assertTrue(cf.<Optional<?>>resultAt(3).isEmpty(), "the first sign-in's (rotated) token is revoked");
          assertTrue(cf.<Optional<?>>resultAt(4).isEmpty(), "the second sign-in's token is revoked");
          assertEquals(Optional.of("u2-token+"), cf.resultAt(5), "another member's token still rotates");
          return Future.all(List.of(s.identity().removeMember("acme", "u1", MARK_BASE), s.identity().setRole("acme", "u1", "admin"),
              s.identity().removeMember("beta", "u1", MARK_BASE)));
        })
        .compose(cf -> {
          assertFalse(cf.<Boolean>resultAt(0), "removed once");
          assertFalse(cf.<Boolean>resultAt(1), "a removed member cannot be given a role again");
          assertFalse(cf.<Boolean>resultAt(2));
          return Future.all(s.identity().user("acme", "u1"), marks(s, at.minusMillis(1)), marks(s, at.plusMillis(1)), marks(s, older));
        })
        .compose(cf -> {
          assertEquals(UserRecord.REMOVED, cf.<Optional<UserRecord>>resultAt(0).orElseThrow().role());
          assertEquals(Set.of(mark("acme", "u1", at)), cf.resultAt(1), "the removal's mark, not the older one of u2; the second removal moved nothing");
          assertEquals(Set.of(), cf.resultAt(2), "not a mark before since");
          assertEquals(Set.of(mark("acme", "u1", at), mark("acme", "u2", older)), cf.resultAt(3));
          UserRecord svc = new UserRecord("acme", "svc-bot", "bot@acme.service.invalid", "", UserRecord.SERVICE, true, null, MARK_BASE);
          return s.identity().addServiceAccount(svc).compose(x -> s.identity().removeMember("acme", "svc-bot", MARK_BASE));
        })
        .compose(removed -> {
          assertTrue(removed, "a service account is removed the same way");
          return Future.all(s.identity().user("acme", "svc-bot"), marks(s, MARK_BASE));
        })
        .map(cf -> {
          assertTrue(cf.<Optional<UserRecord>>resultAt(0).orElseThrow().removed());
          assertEquals(Set.of(mark("acme", "svc-bot", MARK_BASE)), cf.resultAt(1));
          return null;
        }));
  }

  @Test
  default void aRevocationMarkMovesForwardOnlyAndRevokesRefreshTokensOnlyWhenAsked(Vertx vertx, VertxTestContext ctx) {
    Instant t1 = MARK_BASE.minusSeconds(300);
    Instant t2 = MARK_BASE.minusSeconds(200);
    Instant t3 = MARK_BASE.minusSeconds(100);
    Instant since = MARK_BASE.minusSeconds(3600);
    run(vertx, ctx, s -> tenantWithMembers(s, "acme", "a", "u1")
        // another tenant's member of the same user id
        .compose(v -> tenantWithMembers(s, "beta", "u1"))
        .compose(v -> signIn(s, "acme", "u1", "acme-u1"))
        .compose(v -> signIn(s, "beta", "u1", "beta-u1"))
        .compose(v -> s.identity().revokeTokens("acme", "u1", t2, false))
        .compose(v -> Future.all(marks(s, since), rotate(s, "acme-u1")))
        .compose(cf -> {
          assertEquals(Set.of(mark("acme", "u1", t2)), cf.resultAt(0));
          assertEquals(Optional.of("acme-u1+"), cf.resultAt(1), "without refreshTokensToo the refresh tokens stay");
          return s.identity().revokeTokens("acme", "u1", t1, false);
        })
        .compose(v -> s.identity().revokeTokens("beta", "u1", t1, false))
        .compose(v -> Future.all(marks(s, since), marks(s, t2.plusMillis(1)), marks(s, t2)))
        .compose(cf -> {
          assertEquals(Set.of(mark("acme", "u1", t2), mark("beta", "u1", t1)), cf.resultAt(0), "an earlier mark moved nothing back");
          assertEquals(Set.of(), cf.resultAt(1));
          assertEquals(Set.of(mark("acme", "u1", t2)), cf.resultAt(2), "since is inclusive");
          return s.identity().revokeTokens("acme", "u1", t3, true);
        })
        .compose(v -> Future.all(marks(s, since), rotate(s, "acme-u1+"), rotate(s, "beta-u1")))
        .compose(cf -> {
          assertEquals(Set.of(mark("acme", "u1", t3), mark("beta", "u1", t1)), cf.resultAt(0), "across tenants");
          assertTrue(cf.<Optional<?>>resultAt(1).isEmpty(), "signed out everywhere: the refresh token is revoked");
          assertEquals(Optional.of("beta-u1+"), cf.resultAt(2), "the same user id of another tenant keeps its token");
          return signIn(s, "acme", "u1", "acme-u1-again");
        })
        .compose(v -> rotate(s, "acme-u1-again"))
        .compose(again -> {
          assertEquals(Optional.of("acme-u1-again+"), again, "a sign-in after the revocation rotates");
          return s.identity().revokeTokens("acme", "u1", t1, true);
        })
        .compose(v -> Future.all(marks(s, since), rotate(s, "acme-u1-again+")))
        .map(cf -> {
          assertEquals(Set.of(mark("acme", "u1", t3), mark("beta", "u1", t1)), cf.resultAt(0), "the mark stays where it was");
          assertTrue(cf.<Optional<?>>resultAt(1).isEmpty(), "but the refresh tokens are revoked as asked");
          return null;
        }));
  }
}
