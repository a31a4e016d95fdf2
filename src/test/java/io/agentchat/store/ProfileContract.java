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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Display names: per member of one tenant, set, replaced and cleared; never another tenant's, never a removed member's. */
interface ProfileContract extends StoreContract {

  @Test
  default void aDisplayNameIsAMembersOwnWithinTheirTenant(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(tenant("acme"), admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.identity().createTenantWithAdmin(tenant("globex"), admin("globex", "u1", "u1@globex.test")))
        .compose(v -> s.identity().createInvite("acme", "code", "u1", now.plusSeconds(3600)))
        .compose(v -> s.identity().joinTenant("acme", "code", user("acme", "u2", "u2@acme.test"), now))
        .compose(v -> s.identity().displayName("acme", "u1"))
        .compose(none -> {
          assertEquals(Optional.empty(), none, "no name until one is set");
          return s.identity().setDisplayName("acme", "u1", "Ada Lovelace");
        })
        .compose(set -> {
          assertTrue(set);
          return s.identity().setDisplayName("acme", "u2", "Bob");
        })
        .compose(v -> s.identity().setDisplayName("acme", "nobody", "Ghost"))
        .compose(unknown -> {
          assertFalse(unknown, "no such member");
          return Future.all(s.identity().displayName("acme", "u1"), s.identity().displayName("globex", "u1"), s.identity().displayNames("acme"));
        })
        .compose(cf -> {
          assertEquals(Optional.of("Ada Lovelace"), cf.resultAt(0));
          assertEquals(Optional.empty(), cf.resultAt(1), "the same user id in another tenant has no name");
          assertEquals(Map.of("u1", "Ada Lovelace", "u2", "Bob"), cf.resultAt(2));
          return s.identity().setDisplayName("acme", "u1", null);
        })
        .compose(cleared -> {
          assertTrue(cleared);
          return s.identity().removeMember("acme", "u2", Instant.now());
        })
        .compose(v -> s.identity().setDisplayName("acme", "u2", "Bob again"))
        .compose(removed -> {
          assertFalse(removed, "a removed member's name is not changed");
          return Future.all(s.identity().displayName("acme", "u1"), s.identity().displayNames("acme"), s.identity().displayNames("globex"));
        })
        .map(cf -> {
          assertEquals(Optional.empty(), cf.resultAt(0), "null clears the name");
          assertEquals(Map.of("u2", "Bob"), cf.resultAt(1));
          assertEquals(Map.of(), cf.resultAt(2));
          return null;
        }));
  }
}
