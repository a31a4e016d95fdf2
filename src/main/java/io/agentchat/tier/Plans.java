package io.agentchat.tier;

import io.agentchat.store.IdentityStore;
import io.agentchat.store.TenantRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organisations' current plans and whether they are suspended, as the store has them, known on this node: the plan
 * admission applies is this, never a token's claim (which the client only displays). Read from the store on first use and
 * again every {@link #FRESH_MS} while in use; a change made on any node is heard at once ({@link #CHANGED}). Safe on every
 * thread.
 */
public final class Plans {
  /** Published to every node (JSON {@code tenant_id, tier, suspended}) when an operator changes a plan or suspends. */
  public static final String CHANGED = "tier.plan.changed";
  /** How long a plan read from the store is used before it is read again (the bound for a change this node missed). */
  static final long FRESH_MS = 5_000;

  /** An organisation's plan and status as known here, and when it was read. */
  public record Plan(String tier, boolean suspended, long readAtMs) {
  }

  private final IdentityStore store;
  private final Map<String, Plan> plans = new ConcurrentHashMap<>();

  public Plans(IdentityStore store) {
    this.store = store;
  }

  /**
   * The organisation's plan (empty when it does not exist). One known here is answered at once; when it is older than
   * {@link #FRESH_MS} it is read again meanwhile, for the next request (a change is heard at once anyway).
   */
  public Future<java.util.Optional<Plan>> plan(String tenantId) {
    Plan p = plans.get(tenantId);
    if (p == null) {
      return store.tenant(tenantId).map(t -> t.filter(x -> !x.erased()).map(this::remember));
    }
    if (System.currentTimeMillis() - p.readAtMs() >= FRESH_MS && refreshing.add(tenantId)) {
      store.tenant(tenantId).onComplete(ar -> {
        refreshing.remove(tenantId);
        if (ar.succeeded()) {
          ar.result().filter(x -> !x.erased()).ifPresentOrElse(this::remember, () -> plans.remove(tenantId));
        }
      });
    }
    return Future.succeededFuture(java.util.Optional.of(p));
  }

  /** Organisations whose plan is being read again. */
  private final java.util.Set<String> refreshing = ConcurrentHashMap.newKeySet();

  /** The plan known here without a read (null when none is), for a check on every bridge frame. */
  public Plan known(String tenantId) {
    return plans.get(tenantId);
  }

  private Plan remember(TenantRecord t) {
    Plan p = new Plan(t.tier(), t.suspended(), System.currentTimeMillis());
    plans.put(t.tenantId(), p);
    return p;
  }

  public static JsonObject event(String tenantId, String tier, boolean suspended) {
    return new JsonObject().put("tenant_id", tenantId).put("tier", tier).put("suspended", suspended);
  }

  /** Takes a {@link #event} in (an erased organisation is forgotten: its tokens are refused from then on). */
  public void heard(JsonObject e) {
    if (e.getBoolean("erased", false)) {
      plans.remove(e.getString("tenant_id", ""));
      return;
    }
    plans.put(e.getString("tenant_id", ""), new Plan(e.getString("tier"), e.getBoolean("suspended", false), System.currentTimeMillis()));
  }
}
