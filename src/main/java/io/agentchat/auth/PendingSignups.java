package io.agentchat.auth;

import io.agentchat.store.IdentityStore;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-ups that are never confirmed: their confirmation code expires after {@code auth.local.confirmationTtlHours}, and
 * from then on their e-mail address and, when they created one, their tenant id are free for a new sign-up. Judged by
 * the application clock.
 */
record PendingSignups(IdentityStore store, Clock clock, Duration ttl) {
  private static final Logger LOG = LoggerFactory.getLogger(PendingSignups.class);

  /** Whether the sign-up's code has expired (it was never confirmed in time). */
  boolean expired(UserRecord u) {
    return !u.confirmed() && !u.createdAt().plus(ttl).isAfter(clock.instant());
  }

  /**
   * Before a sign-up: an expired, unconfirmed account of the same e-mail address is removed, and so is a tenant of the
   * same id whose members all are.
   */
  Future<Void> release(String email, String tenantId, boolean creatingTenant) {
    Instant cutoff = clock.instant().minus(ttl);
    Future<Void> byEmail = store.userByEmail(email).compose(u -> u.isPresent() && expired(u.get())
        ? remove(u.get(), cutoff) : Future.succeededFuture());
    if (!creatingTenant) {
      return byEmail;
    }
    return byEmail.compose(v -> store.tenant(tenantId)).compose(t -> t.isEmpty() ? Future.succeededFuture()
        : store.users(tenantId).compose(members -> {
          if (members.isEmpty() || !members.stream().allMatch(this::expired)) {
            return Future.succeededFuture();
          }
          List<Future<Void>> all = new ArrayList<>();
          members.forEach(m -> all.add(remove(m, cutoff)));
          return Future.all(all).mapEmpty();
        }));
  }

  private Future<Void> remove(UserRecord u, Instant cutoff) {
    return store.removeUnconfirmed(u, cutoff).onSuccess(removed -> {
      if (removed) {
        LOG.info("released the unconfirmed sign-up of tenant {} (user {}), unconfirmed for {} h", u.tenantId(), u.userId(), ttl.toHours());
      }
    }).mapEmpty();
  }
}
