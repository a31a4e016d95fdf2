package io.agentchat.apikey;

import io.agentchat.Services;
import io.agentchat.apikey.ApiKeyMessages.CreateKey;
import io.agentchat.apikey.ApiKeyMessages.CreatedKey;
import io.agentchat.apikey.ApiKeyMessages.KeyList;
import io.agentchat.apikey.ApiKeyMessages.KeyView;
import io.agentchat.apikey.ApiKeyMessages.ListKeys;
import io.agentchat.apikey.ApiKeyMessages.RevokeKey;
import io.agentchat.apikey.ApiKeyMessages.VerifiedKey;
import io.agentchat.apikey.ApiKeyMessages.VerifyKey;
import io.agentchat.common.AppException;
import io.agentchat.common.Bus;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.Budget;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.Periods;
import io.agentchat.store.Store;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys: created, listed and revoked by a tenant's admins, verified on every request a program makes (read from the
 * store each time, so that a revocation holds from the next request on). A key acts as its owner, a member or a service
 * account of the tenant, under the tenant's current plan as the store has it.
 */
public final class ApiKeyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyVerticle.class);
  /** Service account names: what follows {@code svc-} in its user id. */
  static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  static final int MAX_NAME = 64;
  static final int MAX_REQUESTS_PER_MINUTE = 100_000;
  /** How often a key's last use is written at most (the key list shows it to the minute). */
  private static final long TOUCH_EVERY_MS = 60_000;
  private final Services services;
  private final Map<String, Long> touched = new HashMap<>();

  public ApiKeyVerticle(Services services) {
    this.services = services;
  }

  private Store store() {
    return services.store();
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    vertx.setPeriodic(TOUCH_EVERY_MS, id -> {
      long now = System.currentTimeMillis();
      touched.values().removeIf(at -> now - at > TOUCH_EVERY_MS);
    });
    List<MessageConsumer<?>> consumers = List.of(
        bus.<CreateKey>localConsumer(ApiKeyAddresses.CREATE, m -> Bus.reply(m, this::create, LOG)),
        bus.<ListKeys>localConsumer(ApiKeyAddresses.LIST, m -> Bus.reply(m, this::list, LOG)),
        bus.<RevokeKey>localConsumer(ApiKeyAddresses.REVOKE, m -> Bus.reply(m, this::revoke, LOG)),
        bus.<VerifyKey>localConsumer(ApiKeyAddresses.VERIFY, m -> Bus.reply(m, this::verify, LOG)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  // ---------------------------------------------------------------- administration

  private static void requireAdmin(Identity id) {
    if (!id.admin() || id.apiKeyId() != null) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }

  private Future<CreatedKey> create(CreateKey c) {
    requireAdmin(c.identity());
    Instant now = services.clock().instant();
    String name = c.name() == null ? "" : c.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw ErrorCode.INVALID_REQUEST.exception("name is required: 1-" + MAX_NAME + " characters, no control characters.");
    }
    if ((c.userId() == null) == (c.serviceAccount() == null)) {
      throw ErrorCode.INVALID_REQUEST.exception("Give either user_id (a member the key acts as) or service_account (a name), not both.");
    }
    if (c.serviceAccount() != null && !SERVICE_ACCOUNT.matcher(c.serviceAccount()).matches()) {
      throw ErrorCode.INVALID_REQUEST.exception("service_account must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit.");
    }
    if (c.expiresAt() != null && !c.expiresAt().isAfter(now)) {
      throw ErrorCode.INVALID_REQUEST.exception("expires_at must be in the future.");
    }
    if (c.requestsPerMinute() < 0 || c.requestsPerMinute() > MAX_REQUESTS_PER_MINUTE) {
      throw ErrorCode.INVALID_REQUEST.exception("requests_per_minute must be a whole number from 1 to " + MAX_REQUESTS_PER_MINUTE + ".");
    }
    String tenantId = c.identity().tenantId();
    return owner(tenantId, c, now).compose(owner -> {
      String keyId = ApiKeySecrets.newKeyId();
      String secret = ApiKeySecrets.newSecret();
      ApiKeyRecord key = new ApiKeyRecord(tenantId, keyId, name, owner.userId(), ApiKeySecrets.hash(secret), c.identity().userId(), now,
          c.expiresAt(), c.requestsPerMinute(), null, null);
      return store().apiKeys().createKey(key, c.monthlyLimitNanos()).map(v -> {
        LOG.info("api key created tenant={} key={} owner={} by={}", tenantId, keyId, owner.userId(), c.identity().userId());
        KeyView view = new KeyView(key, owner.email(), owner.serviceAccount(), c.monthlyLimitNanos() < 0 ? null : c.monthlyLimitNanos(), 0, now);
        return new CreatedKey(view, ApiKeySecrets.format(tenantId, keyId, secret));
      });
    });
  }

  /** The member the key acts as, or its service account (created the first time its name is used). */
  private Future<UserRecord> owner(String tenantId, CreateKey c, Instant now) {
    if (c.userId() != null) {
      return store().identity().user(tenantId, c.userId()).compose(u -> u.isPresent() && u.get().confirmed() && !u.get().removed()
          ? Future.succeededFuture(u.get()) : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such member in your organisation.")));
    }
    String userId = "svc-" + c.serviceAccount();
    return store().identity().user(tenantId, userId).compose(u -> {
      if (u.isPresent()) {
        return u.get().removed() ? Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("The service account \"" + c.serviceAccount()
            + "\" was removed; choose another name.")) : Future.succeededFuture(u.get());
      }
      UserRecord account = new UserRecord(tenantId, userId, c.serviceAccount() + "@" + tenantId + ".service.invalid", "", UserRecord.SERVICE,
          true, null, now);
      // two keys created at once for a new service account: the second finds it made
      return store().identity().addServiceAccount(account).recover(e -> store().identity().user(tenantId, userId)
          .compose(again -> again.isPresent() ? Future.succeededFuture(again.get()) : Future.failedFuture(e)));
    });
  }

  private Future<KeyList> list(ListKeys l) {
    requireAdmin(l.identity());
    return views(l.identity().tenantId(), services.clock().instant());
  }

  private Future<KeyList> views(String tenantId, Instant now) {
    String month = Periods.monthKey(now);
    Future<List<ApiKeyRecord>> keys = store().apiKeys().keys(tenantId);
    Future<Map<String, Long>> spent = store().apiKeys().keySpending(tenantId, month);
    Future<List<Budget>> budgets = store().budgets().budgets(tenantId, month);
    Future<List<UserRecord>> users = store().identity().users(tenantId);
    return Future.all(keys, spent, budgets, users).map(cf -> {
      Map<String, Long> limits = new HashMap<>();
      for (Budget b : budgets.result()) {
        String key = MeteringRules.keyOfScope(b.scope());
        if (key != null) {
          limits.put(key, b.limitNanos());
        }
      }
      Map<String, UserRecord> byId = users.result().stream().collect(Collectors.toMap(UserRecord::userId, Function.identity(), (a, b) -> a));
      List<KeyView> out = keys.result().stream().map(k -> {
        UserRecord owner = byId.get(k.userId());
        return new KeyView(k, owner == null ? null : owner.email(), owner != null && owner.serviceAccount(), limits.get(k.keyId()),
            spent.result().getOrDefault(k.keyId(), 0L), now);
      }).toList();
      return new KeyList(month.substring(2), out);
    });
  }

  private Future<KeyView> revoke(RevokeKey r) {
    requireAdmin(r.identity());
    String tenantId = r.identity().tenantId();
    Instant now = services.clock().instant();
    return store().apiKeys().revokeKey(tenantId, r.keyId(), now).compose(revoked -> views(tenantId, now)).compose(l -> {
      Optional<KeyView> v = l.keys().stream().filter(k -> k.key().keyId().equals(r.keyId())).findFirst();
      if (v.isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such API key."));
      }
      LOG.info("api key revoked tenant={} key={} by={}", tenantId, r.keyId(), r.identity().userId());
      return Future.succeededFuture(v.get());
    });
  }

  // ---------------------------------------------------------------- verification

  private static AppException refused(String why) {
    return ErrorCode.UNAUTHORIZED.exception(why);
  }

  private Future<VerifiedKey> verify(VerifyKey v) {
    ApiKeySecrets.Parsed p = ApiKeySecrets.parse(v.bearer());
    if (p == null) {
      return Future.failedFuture(refused(v.bearer() == null ? "An API key is required: send Authorization: Bearer <key>."
          : "The API key is not valid."));
    }
    Instant now = services.clock().instant();
    return store().apiKeys().key(p.tenantId(), p.keyId()).compose(k -> {
      if (k.isEmpty() || !ApiKeySecrets.matches(p.secret(), k.get().secretHash())) {
        return Future.failedFuture(refused("The API key is not valid."));
      }
      ApiKeyRecord key = k.get();
      if (key.revoked()) {
        return Future.failedFuture(refused("This API key has been revoked."));
      }
      if (key.expired(now)) {
        return Future.failedFuture(refused("This API key expired at " + key.expiresAt() + "."));
      }
      // the organisation's current plan as every verified caller gets it (read once and kept fresh by the node's plans)
      return Future.all(services.plans().plan(p.tenantId()), store().identity().user(p.tenantId(), key.userId())).compose(cf -> {
        Optional<io.agentchat.tier.Plans.Plan> tenant = cf.resultAt(0);
        Optional<UserRecord> owner = cf.resultAt(1);
        if (tenant.isEmpty() || owner.isEmpty() || owner.get().removed()) {
          return Future.failedFuture(refused("The owner of this API key is no longer a member of the organisation."));
        }
        touch(key, now);
        Identity id = new Identity(key.tenantId(), key.userId(), owner.get().email(), tenant.get().tier(), false, List.of(), key.keyId());
        return Future.succeededFuture(new VerifiedKey(id, key.name(), key.requestsPerMinute()));
      });
    });
  }

  /** Records the key's use, at most once a minute per key. */
  private void touch(ApiKeyRecord key, Instant now) {
    String k = key.tenantId() + "/" + key.keyId();
    long ms = now.toEpochMilli();
    Long last = touched.get(k);
    if (last != null && ms - last < TOUCH_EVERY_MS) {
      return;
    }
    touched.put(k, ms);
    store().apiKeys().touchKey(key.tenantId(), key.keyId(), now)
        .onFailure(t -> LOG.debug("last use of key {} of tenant {} not recorded: {}", key.keyId(), key.tenantId(), t.toString()));
  }
}
