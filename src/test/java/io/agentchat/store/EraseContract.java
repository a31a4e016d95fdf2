package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.admin;
import static io.agentchat.store.StoreContractTest.reserve;
import static io.agentchat.store.StoreContractTest.session;
import static io.agentchat.store.StoreContractTest.tenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Erasing an organisation: its conversations, invites and members' identities gone, its keys and sign-ins revoked, its
 * usage ledger kept, another organisation untouched.
 */
interface EraseContract extends StoreContract {

  @Test
  default void anErasedOrganisationKeepsOnlyItsLedgerAndAnotherIsUntouched(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> {
      Future<Void> setup = Future.succeededFuture();
      for (String t : List.of("acme", "globex")) {
        String u = t.substring(0, 1) + "1";
        setup = setup.compose(v -> s.identity().createTenantWithAdmin(tenant(t), admin(t, u, u + "@" + t + ".test")).mapEmpty())
            .compose(v -> s.sessions().createSession(session(t, "s1", u, now, Duration.ofHours(1)), 3))
            .compose(v -> s.usage().reserveTurn(reserve(t, u, "s1", "t1", "r1", "the question", 10, 10)))
            .compose(v -> s.usage().settleTurn(new SettleRequest(t, u, "s1", "t1", "completed", "the answer",
                List.of(new UsageEvent("t1/invocation", t, u, "s1", "t1", UsageKind.INVOCATION, "agent_runtime", "orchestration", 1, 1_000_000, false, now)),
                false, now, List.of(new JsonObject().put("step", "plan").put("text", "think")))))
            .compose(v -> s.identity().createInvite(t, "code-" + t, u, now.plusSeconds(3600)))
            .compose(v -> s.apiKeys().createKey(new ApiKeyRecord(t, "k1", "ci", u, "hash", u, now, null, 0, null, null), -1))
            .compose(v -> s.identity().saveRefreshToken(new RefreshRecord("rt-" + t, t, u, now.plusSeconds(3600))));
      }
      return setup.compose(v -> s.identity().eraseOrganisation("acme", now))
          .compose(erased -> {
            assertTrue(erased);
            return s.identity().eraseOrganisation("acme", now.plusSeconds(1));
          })
          .compose(again -> {
            assertFalse(again, "erased once");
            return Future.all(List.of(s.identity().tenant("acme"), s.sessions().sessions("acme", "a1", 10), s.sessions().messages("acme", "s1", 10),
                s.usage().traces("acme", "t1"), s.identity().invites("acme"), s.apiKeys().keys("acme"), s.identity().users("acme"),
                s.identity().userByEmail("a1@acme.test"), s.identity().rotateRefreshToken("rt-acme", new RefreshRecord("rt-acme+", null, null,
                    now.plusSeconds(7200)), now), s.identity().tokenMarks(now.minusSeconds(60))));
          })
          .compose(cf -> {
            TenantRecord t = cf.resultAt(0).equals(java.util.Optional.empty()) ? null : cf.<java.util.Optional<TenantRecord>>resultAt(0).orElseThrow();
            assertTrue(t != null && t.erased() && t.suspended(), "the record stays, erased: " + t);
            assertTrue(cf.<List<?>>resultAt(1).isEmpty(), "no chats");
            assertTrue(cf.<List<?>>resultAt(2).isEmpty(), "no messages");
            assertTrue(cf.<List<?>>resultAt(3).isEmpty(), "no trace steps");
            assertTrue(cf.<List<?>>resultAt(4).isEmpty(), "no invites");
            assertTrue(cf.<List<ApiKeyRecord>>resultAt(5).stream().allMatch(ApiKeyRecord::revoked), "every key revoked");
            List<UserRecord> users = cf.resultAt(6);
            assertEquals(1, users.size(), "the member's record stays for the ledger's user id");
            assertEquals("a1@erased.invalid", users.get(0).email(), "without their e-mail address");
            assertTrue(users.get(0).removed());
            assertTrue(cf.<java.util.Optional<?>>resultAt(7).isEmpty(), "the address is free");
            assertTrue(cf.<java.util.Optional<?>>resultAt(8).isEmpty(), "their refresh token is revoked");
            assertTrue(cf.<List<TokenMark>>resultAt(9).stream().anyMatch(m -> m.tenantId().equals("acme") && m.userId().equals("a1")),
                "their ID tokens are refused");
            return Future.all(s.usage().turn("acme", "t1"), s.usage().turnEvents("acme", "t1"), s.reports().rollups("acme", "2000-01-01", "2999-12-31"),
                s.sessions().messages("globex", "s1", 10), s.identity().userByEmail("g1@globex.test"), s.identity().invites("globex"));
          })
          .compose(cf -> {
            assertTrue(cf.<java.util.Optional<?>>resultAt(0).isPresent(), "the turn stays in the ledger");
            assertEquals(1, cf.<List<?>>resultAt(1).size(), "its usage events too");
            assertFalse(cf.<List<?>>resultAt(2).isEmpty(), "and the rollups");
            assertEquals(2, cf.<List<?>>resultAt(3).size(), "another organisation keeps its conversation");
            assertTrue(cf.<java.util.Optional<?>>resultAt(4).isPresent());
            assertEquals(1, cf.<List<?>>resultAt(5).size());
            // the freed address can make an account again
            return s.identity().createTenantWithAdmin(tenant("newco"), admin("newco", "n1", "a1@acme.test"));
          })
          .mapEmpty();
    });
  }
}
