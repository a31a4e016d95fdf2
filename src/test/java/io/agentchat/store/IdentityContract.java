package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.admin;
import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.concurrently;
import static io.agentchat.store.StoreContractTest.count;
import static io.agentchat.store.StoreContractTest.tenant;
import static io.agentchat.store.StoreContractTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.UserRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tenants, users, invites and refresh tokens: an e-mail address belongs to one account, an invite is used once, a
 * refresh token rotates once.
 */
interface IdentityContract extends StoreContract {

  @Test
  default void invitesAreListedNewestFirstAndAnUnusedOneIsRevokedWithinItsTenantOnly(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.identity().createTenantWithAdmin(tenant("globex"), admin("globex", "g1", "g1@globex.test")))
        .compose(v -> s.identity().createInvite("acme", "old-code", "u1", now.plusSeconds(3600)))
        .compose(v -> s.identity().createInvite("acme", "new-code", "u1", now.plusSeconds(7200)))
        .compose(v -> s.identity().createInvite("globex", "their-code", "g1", now.plusSeconds(3600)))
        .compose(v -> s.identity().joinTenant("acme", "old-code", user("acme", "u2", "u2@acme.test"), now))
        .compose(v -> s.identity().invites("acme"))
        .compose(list -> {
          assertEquals(List.of("new-code", "old-code"), list.stream().map(InviteRecord::code).toList(), "newest first, this tenant's only");
          assertTrue(list.get(0).pending(now));
          assertEquals("u2", list.get(1).usedBy(), "a used invite says by whom");
          return s.identity().revokeInvite("acme", "old-code");
        })
        .compose(used -> {
          assertFalse(used, "a used invite is not revoked");
          return s.identity().revokeInvite("globex", "new-code");
        })
        .compose(other -> {
          assertFalse(other, "another tenant's code is not found");
          return s.identity().revokeInvite("acme", "new-code");
        })
        .compose(revoked -> {
          assertTrue(revoked);
          return s.identity().joinTenant("acme", "new-code", user("acme", "u3", "u3@acme.test"), now).transform(Future::succeededFuture);
        })
        .compose(join -> {
          assertTrue(join.failed(), "a revoked invite cannot be used");
          return s.identity().invites("acme");
        })
        .map(list -> {
          assertEquals(List.of("old-code"), list.stream().map(InviteRecord::code).toList());
          return null;
        }));
  }

  @Test
  default void aPasswordIsReplacedAndAResetCodeIsTakenOnceBeforeItExpires(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.identity().setPassword("acme", "u1", "new-hash"))
        .compose(ok -> {
          assertTrue(ok);
          return s.identity().setPassword("globex", "u1", "other");
        })
        .compose(other -> {
          assertFalse(other, "another tenant's user id changes nothing");
          return s.identity().user("acme", "u1");
        })
        .compose(u -> {
          assertEquals("new-hash", u.orElseThrow().passwordHash());
          return s.identity().saveResetCode("acme", "u1", "code-1", now.plusSeconds(3600));
        })
        .compose(v -> s.identity().saveResetCode("acme", "u1", "code-2", now.plusSeconds(3600))) // a new request replaces the code
        .compose(v -> s.identity().takeResetCode("acme", "u1", "code-1", now))
        .compose(first -> {
          assertFalse(first, "a replaced code is void");
          return concurrently(10, i -> s.identity().takeResetCode("acme", "u1", "code-2", now));
        })
        .compose(all -> {
          assertEquals(1, count(all, f -> f.succeeded() && Boolean.TRUE.equals(f.result())), "a code is taken once however many try at once");
          return s.identity().saveResetCode("acme", "u1", "code-3", now.plusSeconds(60));
        })
        .compose(v -> s.identity().takeResetCode("acme", "u1", "code-3", now.plusSeconds(61)))
        .compose(late -> {
          assertFalse(late, "an expired code is void");
          return s.identity().removeMember("acme", "u1", now);
        })
        .compose(v -> s.identity().setPassword("acme", "u1", "after"))
        .map(after -> {
          assertFalse(after, "a removed member's password is not set");
          return null;
        }));
  }

  @Test
  default void anEmailAddressBelongsToOneAccountHoweverManySignUpAtOnce(Vertx vertx, VertxTestContext ctx) {
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
          assertEquals(4, count(all, f -> f.failed() && code(f) == ErrorCode.TENANT_UNAVAILABLE), "the organisation id is not available to the others");
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
  default void anInviteIsUsedOnce(Vertx vertx, VertxTestContext ctx) {
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
  default void aRefreshTokenRotatesOnce(Vertx vertx, VertxTestContext ctx) {
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

  /** A spent token presented again after the grace of concurrent duplicates revokes its chain, and only its chain. */
  @Test
  default void aSpentRefreshTokenPresentedAgainRevokesItsChain(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    Instant later = now.plus(IdentityStore.REFRESH_REUSE_GRACE).plusSeconds(1);
    run(vertx, ctx, s -> s.identity().saveRefreshToken(new RefreshRecord("a0", "acme", "u1", now.plusSeconds(3600)))
        .compose(v -> s.identity().saveRefreshToken(new RefreshRecord("b0", "acme", "u1", now.plusSeconds(3600))))
        .compose(v -> s.identity().rotateRefreshToken("a0", new RefreshRecord("a1", null, null, now.plusSeconds(7200)), now))
        .compose(a1 -> {
          assertEquals("a0", a1.orElseThrow().family(), "the replacement is of the same chain");
          return s.identity().rotateRefreshToken("a0", new RefreshRecord("a2", null, null, later.plusSeconds(7200)), later);
        })
        .compose(reused -> {
          assertTrue(reused.isEmpty(), "the spent token is refused");
          return Future.all(s.identity().rotateRefreshToken("a1", new RefreshRecord("a3", null, null, later.plusSeconds(7200)), later),
              s.identity().rotateRefreshToken("b0", new RefreshRecord("b1", null, null, later.plusSeconds(7200)), later));
        })
        .map(cf -> {
          assertTrue(cf.<java.util.Optional<?>>resultAt(0).isEmpty(), "the newest token of the reused chain is revoked with it");
          assertEquals("b1", cf.<java.util.Optional<RefreshRecord>>resultAt(1).orElseThrow().tokenHash(), "another login's chain is not");
          return null;
        }));
  }

  /** A sign-up never confirmed is removed with its address and the tenant it created; a confirmed one never is. */
  @Test
  default void anUnconfirmedSignUpIsRemovedWithItsAddressAndTenant(Vertx vertx, VertxTestContext ctx) {
    UserRecord pending = new UserRecord("lapsed", "p1", "p1@lapsed.test", "hash", "admin", false, "123456", StoreContractTest.NOW);
    Instant after = StoreContractTest.NOW.plusSeconds(1);
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("lapsed"), pending)
        .compose(u -> s.identity().createTenantWithAdmin(tenant("kept"), admin("kept", "k1", "k1@kept.test")))
        .compose(u -> Future.all(s.identity().removeUnconfirmed(pending, StoreContractTest.NOW),
            s.identity().removeUnconfirmed(admin("kept", "k1", "k1@kept.test"), after)))
        .compose(cf -> {
          assertFalse(cf.<Boolean>resultAt(0), "not made before the cutoff: kept");
          assertFalse(cf.<Boolean>resultAt(1), "confirmed: kept");
          return s.identity().removeUnconfirmed(pending, after);
        })
        .compose(removed -> {
          assertTrue(removed);
          return Future.all(s.identity().userByEmail("p1@lapsed.test"), s.identity().tenant("lapsed"), s.identity().tenant("kept"));
        })
        .compose(cf -> {
          assertTrue(cf.<java.util.Optional<?>>resultAt(0).isEmpty(), "the address is free");
          assertTrue(cf.<java.util.Optional<?>>resultAt(1).isEmpty(), "the tenant it created is gone");
          assertTrue(cf.<java.util.Optional<?>>resultAt(2).isPresent());
          return s.identity().createTenantWithAdmin(tenant("lapsed"), admin("lapsed", "p2", "p1@lapsed.test"));
        })
        .map(again -> {
          assertEquals("p2", again.userId(), "tenant id and address taken again");
          return null;
        }));
  }
}
