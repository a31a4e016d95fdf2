package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.bool;
import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.config.AppConfig.DynamoConfig;
import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.QuotaUsage;
import io.agentchat.store.RefreshRecord;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.RollupRow;
import io.agentchat.store.SessionOwner;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SettleOutcome;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.Store;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.TurnCost;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageTotals;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * All state in DynamoDB, shared by any number of server nodes. No transactions: every operation is a short sequence of
 * single-item writes, each conditional where exactness depends on it, ordered so that a refused or failed later step
 * is undone and never leaves anything counted. The data model, every access pattern and its key are in docs/dynamodb.md.
 *
 * <ul>
 *   <li>Quotas: a conditional {@code ADD} per period ({@code used < limit}); N nodes cannot admit more than the limit.</li>
 *   <li>Claims (an e-mail address, a request id, a session slot, a settlement) carry a write token {@code w}, so an
 *       attempt whose answer was lost recognises its own write, and a claim whose owner stopped half-way is taken over
 *       after {@link #STALE_CLAIM}.</li>
 *   <li>Usage events are conditional puts on their deterministic ids; a rollup advances only after its event's put
 *       succeeded, and {@link #rebuildRollups} repairs what a crash between the two left behind.</li>
 * </ul>
 */
public final class DynamoStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoStore.class);
  private static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
  /** A claim older than this whose operation never finished is abandoned and may be taken over. */
  static final Duration STALE_CLAIM = Duration.ofSeconds(30);
  private static final int CLAIM_ATTEMPTS = 100;
  private static final long COUNTER_TTL_SECONDS = Duration.ofDays(400).toSeconds();
  private static final int MAX_REBUILD_DAYS = 400;

  private final Dynamo d;
  private final DynamoConfig config;
  private final Clock clock;
  private final String sessions;
  private final String usage;
  private final String identity;
  private final String directory;

  private DynamoStore(Dynamo d, DynamoConfig config, Clock clock) {
    this.d = d;
    this.clock = clock;
    this.config = config;
    this.sessions = config.tables().sessions();
    this.usage = config.tables().usage();
    this.identity = config.tables().identity();
    this.directory = config.tables().directory();
  }

  /**
   * Connects, then verifies the tables (or creates them when {@code createTables} is set). {@code clock} is the time
   * that retention (items past their expiry) is judged by: the application's clock.
   */
  public static Future<Store> open(Vertx vertx, DynamoConfig config, Clock clock) {
    return open(vertx, config, 100, clock).map(s -> s);
  }

  /** As {@link #open(Vertx, DynamoConfig, Clock)} on the system clock, with the number of items a query asks for per page. */
  public static Future<DynamoStore> open(Vertx vertx, DynamoConfig config, int pageSize) {
    return open(vertx, config, pageSize, Clock.systemUTC());
  }

  private static Future<DynamoStore> open(Vertx vertx, DynamoConfig config, int pageSize, Clock clock) {
    return vertx.executeBlocking(() -> Dynamo.create(vertx, config, pageSize)).compose(d -> Tables.ensure(d, config)
        .map(v -> {
          LOG.info("store opened: DynamoDB {} tables {}", config.endpoint() == null ? config.region() : config.endpoint(), config.tables().all());
          return new DynamoStore(d, config, clock);
        })
        .recover(t -> vertx.executeBlocking(() -> {
          d.close();
          return null;
        }).transform(ignored -> Future.failedFuture(t))));
  }

  private static String token() {
    return Ids.uuid();
  }

  private static Map<String, AttributeValue> vals(Object... kv) {
    Map<String, AttributeValue> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof AttributeValue a ? a
          : v instanceof String s ? AttributeValue.fromS(s)
          : v instanceof Boolean b ? AttributeValue.fromBool(b)
          : AttributeValue.fromN(String.valueOf(((Number) v).longValue())));
    }
    return m;
  }

  private boolean stale(Instant claimedAt) {
    return claimedAt == null || claimedAt.isBefore(clock.instant().minus(STALE_CLAIM));
  }

  private static long casDelay(int attempt) {
    return 2 + ThreadLocalRandom.current().nextLong(Math.min(100, 5L * attempt) + 1);
  }

  /** Deletes an item only while it still carries the write token {@code w} (an undo step). */
  private CompletableFuture<?> deleteOwn(String table, Item key, String w) {
    return d.db.deleteItem(b -> b.tableName(table).key(key.map()).conditionExpression("#w = :w")
        .expressionAttributeNames(Map.of("#w", "w")).expressionAttributeValues(vals(":w", w)));
  }

  /** Adds {@code delta} to a number, never below zero; only through the client that does not repeat calls. */
  private CompletableFuture<?> addOnce(String table, Item key, String attribute, long delta) {
    String condition = delta < 0 ? "#" + attribute + " >= :minus" : "attribute_exists(#pk)";
    Map<String, AttributeValue> values = delta < 0 ? vals(":d", delta, ":minus", -delta) : vals(":d", delta);
    return d.once.updateItem(b -> b.tableName(table).key(key.map()).updateExpression("ADD #" + attribute + " :d")
        .conditionExpression(condition).expressionAttributeNames(Item.names("#" + attribute, condition)).expressionAttributeValues(values));
  }

  private Future<Void> requireNew(String table, Item item) {
    return d.putNew(table, item).compose(created -> created ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("key already in use: " + str(item.map(), "pk") + " " + str(item.map(), "sk"))));
  }

  // ================================================================ identity

  private static Item userItem(UserRecord u, String w) {
    return Keys.user(u.tenantId(), u.userId()).s("tenant_id", u.tenantId()).s("user_id", u.userId()).s("email", u.email())
        .s("password_hash", u.passwordHash()).s("role", u.role()).b("confirmed", u.confirmed()).s("confirm_code", u.confirmCode())
        .n("created_at", u.createdAt()).s("w", w);
  }

  private static UserRecord toUser(Map<String, AttributeValue> i) {
    return new UserRecord(str(i, "tenant_id"), str(i, "user_id"), str(i, "email"), str(i, "password_hash"), str(i, "role"),
        bool(i, "confirmed"), str(i, "confirm_code"), time(i, "created_at"));
  }

  /**
   * Claims an e-mail address for a new user: a conditional put of the address item. A claim found in the way whose
   * account exists means the address is taken; one whose sign-up stopped half-way (no user or no tenant behind it) is
   * taken over once stale.
   */
  private Future<Void> claimEmail(UserRecord u, String w, int attempt) {
    Item claim = Keys.email(u.email()).s("tenant_id", u.tenantId()).s("user_id", u.userId()).n("created_at", clock.instant()).s("w", w);
    return d.putNew(directory, claim).compose(created -> {
      if (created) {
        return Future.succeededFuture();
      }
      return d.get(directory, Keys.email(u.email())).compose(found -> {
        if (found.isEmpty()) {
          return attempt < CLAIM_ATTEMPTS ? claimEmail(u, w, attempt + 1) : Future.failedFuture(StoreErrors.userExists());
        }
        Map<String, AttributeValue> old = found.get();
        return Future.all(d.get(identity, Keys.user(str(old, "tenant_id"), str(old, "user_id"))), d.get(identity, Keys.tenantItem(str(old, "tenant_id"))))
            .compose(cf -> {
              boolean live = cf.<Optional<?>>resultAt(0).isPresent() && cf.<Optional<?>>resultAt(1).isPresent();
              if (live || !stale(time(old, "created_at")) || attempt >= CLAIM_ATTEMPTS) {
                return Future.failedFuture(StoreErrors.userExists());
              }
              LOG.warn("taking over the abandoned sign-up claim of an e-mail address (tenant {})", str(old, "tenant_id"));
              return d.putIf(directory, claim, "#w = :old", vals(":old", old.get("w")))
                  .compose(mine -> mine ? Future.succeededFuture() : claimEmail(u, w, attempt + 1));
            });
      });
    });
  }

  /** Undoes a sign-up that could not finish: the user item and the e-mail claim, each only if still this sign-up's. */
  private Future<Void> undoSignup(UserRecord u, String w) {
    return d.undo("sign-up user", () -> deleteOwn(identity, Keys.user(u.tenantId(), u.userId()), w), true)
        .compose(v -> d.undo("e-mail claim", () -> deleteOwn(directory, Keys.email(u.email()), w), true));
  }

  @Override
  public Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin) {
    String w = token();
    Item tenantItem = Keys.tenantItem(tenant.tenantId()).s("tenant_id", tenant.tenantId()).s("tier", tenant.tier())
        .s("time_zone", tenant.timeZone()).n("created_at", tenant.createdAt()).s("admin_user_id", admin.userId()).s("w", w);
    return d.get(identity, Keys.tenantItem(tenant.tenantId())).compose(existing -> {
      if (existing.isPresent()) {
        return Future.failedFuture(StoreErrors.tenantExists(tenant.tenantId()));
      }
      return claimEmail(admin, w, 1).compose(v -> requireNew(identity, userItem(admin, w))
          .compose(u -> d.putNew(identity, tenantItem))
          .compose(created -> created ? Future.succeededFuture(admin) : Future.<UserRecord>failedFuture(StoreErrors.tenantExists(tenant.tenantId())))
          .recover(err -> undoSignup(admin, w).transform(x -> Future.failedFuture(err))));
    });
  }

  @Override
  public Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now) {
    String w = token();
    Item invite = Keys.invite(tenantId, inviteCode);
    return claimEmail(user, w, 1).compose(v -> d.update(identity, invite, "SET #used_by = :u, #used_at = :now",
            "attribute_exists(#pk) AND attribute_not_exists(#used_by) AND #expires_at > :now", vals(":u", user.userId(), ":now", now.toEpochMilli()), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(identity, invite).map(i -> i.isPresent() && user.userId().equals(str(i.get(), "used_by")))
            : Future.failedFuture(t))
        .compose(ok -> ok ? requireNew(identity, userItem(user, w)).map(user) : Future.<UserRecord>failedFuture(StoreErrors.invalidInvite(tenantId)))
        .recover(err -> d.undo("invite use", () -> d.db.updateItem(b -> b.tableName(identity).key(invite.map())
                .updateExpression("REMOVE #used_by, #used_at").conditionExpression("#used_by = :u")
                .expressionAttributeNames(Item.names("#used_by #used_at")).expressionAttributeValues(vals(":u", user.userId()))), true)
            .compose(x -> undoSignup(user, w))
            .transform(x -> Future.failedFuture(err))));
  }

  @Override
  public Future<Optional<TenantRecord>> tenant(String tenantId) {
    return d.get(identity, Keys.tenantItem(tenantId)).map(o -> o.map(i -> new TenantRecord(str(i, "tenant_id"), str(i, "tier"),
        str(i, "time_zone"), time(i, "created_at"))));
  }

  @Override
  public Future<Optional<UserRecord>> user(String tenantId, String userId) {
    return d.get(identity, Keys.user(tenantId, userId)).map(o -> o.map(DynamoStore::toUser));
  }

  @Override
  public Future<Optional<UserRecord>> userByEmail(String email) {
    return d.get(directory, Keys.email(email)).compose(claim -> claim.isEmpty()
        ? Future.succeededFuture(Optional.<UserRecord>empty())
        : user(str(claim.get(), "tenant_id"), str(claim.get(), "user_id")).map(u -> u.filter(x -> x.email().equals(email))));
  }

  @Override
  public Future<Boolean> confirmUser(String tenantId, String userId) {
    return d.update(identity, Keys.user(tenantId, userId), "SET #confirmed = :yes REMOVE #confirm_code", "attribute_exists(#pk)",
            vals(":yes", true), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  @Override
  public Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt) {
    return requireNew(identity, Keys.invite(tenantId, code).s("tenant_id", tenantId).s("code", code).s("created_by", createdBy)
        .n("expires_at", expiresAt).n("ttl", expiresAt.plus(Duration.ofDays(config.sessionRetentionDays())).getEpochSecond()).s("w", token()));
  }

  private Item refreshItem(RefreshRecord t) {
    return Keys.refresh(t.tokenHash()).s("tenant_id", t.tenantId()).s("user_id", t.userId()).n("expires_at", t.expiresAt())
        .b("revoked", false).n("ttl", t.expiresAt().getEpochSecond());
  }

  @Override
  public Future<Void> saveRefreshToken(RefreshRecord token) {
    return d.put(directory, refreshItem(token));
  }

  @Override
  public Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now) {
    Item key = Keys.refresh(oldHash);
    return d.update(directory, key, "SET #revoked = :yes, #replaced_by = :next", "attribute_exists(#pk) AND #revoked = :no AND #expires_at > :now",
            vals(":yes", true, ":no", false, ":next", replacement.tokenHash(), ":now", now.toEpochMilli()), true)
        .map(Optional::of)
        .recover(t -> Dynamo.conditionFailed(t)
            // revoked already: by this rotation (an attempt whose answer was lost) or by another
            ? d.get(directory, key).map(o -> o.filter(i -> replacement.tokenHash().equals(str(i, "replaced_by"))))
            : Future.failedFuture(t))
        .compose(old -> {
          if (old.isEmpty()) {
            return Future.succeededFuture(Optional.<RefreshRecord>empty());
          }
          RefreshRecord next = new RefreshRecord(replacement.tokenHash(), str(old.get(), "tenant_id"), str(old.get(), "user_id"), replacement.expiresAt());
          return d.put(directory, refreshItem(next)).map(v -> Optional.of(next));
        });
  }

  // ================================================================ sessions

  /** One open session in the user's slots item: id, creation and expiry (epoch ms). */
  private record Slot(String sessionId, long created, long expires) {
  }

  /** The user's slots item: the open sessions and the version that the next write must find. */
  private record Slots(List<Slot> all, long version, boolean exists) {
    List<Slot> activeAt(long nowMs) {
      return all.stream().filter(s -> s.expires() > nowMs).toList();
    }
  }

  private static Slots toSlots(Optional<Map<String, AttributeValue>> item) {
    if (item.isEmpty()) {
      return new Slots(List.of(), 0, false);
    }
    List<Slot> all = new ArrayList<>();
    AttributeValue m = item.get().get("slots");
    if (m != null && m.hasM()) {
      m.m().forEach((id, v) -> all.add(new Slot(id, num(v.m(), "c"), num(v.m(), "e"))));
    }
    return new Slots(all, num(item.get(), "version"), true);
  }

  private Future<Slots> slots(String t, String userId) {
    return d.get(sessions, Keys.slots(t, userId)).map(DynamoStore::toSlots);
  }

  /** Compare-and-set of the slots item on its version; false when another write came first. */
  private Future<Boolean> writeSlots(String t, String userId, Slots old, List<Slot> next) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    long keep = clock.instant().getEpochSecond() + Duration.ofDays(1).toSeconds();
    for (Slot s : next) {
      m.put(s.sessionId(), AttributeValue.fromM(vals("c", s.created(), "e", s.expires())));
      keep = Math.max(keep, s.expires() / 1000 + Duration.ofDays(1).toSeconds());
    }
    Item item = Keys.slots(t, userId).s("tenant_id", t).s("user_id", userId).n("version", old.version() + 1).put("slots", AttributeValue.fromM(m))
        .n("ttl", keep).s("w", token());
    return old.exists()
        ? d.putIf(sessions, item, "#version = :v", vals(":v", old.version()))
        : d.putNew(sessions, item);
  }

  private Item sessionItem(SessionRecord s, String w) {
    return Keys.session(s.tenantId(), s.sessionId()).s("tenant_id", s.tenantId()).s("session_id", s.sessionId()).s("user_id", s.userId())
        .s("tier", s.tier()).n("created_at", s.createdAt()).n("expires_at", s.expiresAt()).s("title", s.title())
        .n("message_count", s.messageCount()).n("next_seq", 0).n("ttl", sessionTtl(s)).s("w", w);
  }

  private long sessionTtl(SessionRecord s) {
    return s.expiresAt().plus(Duration.ofDays(config.sessionRetentionDays())).getEpochSecond();
  }

  private static SessionRecord toSession(Map<String, AttributeValue> i) {
    return new SessionRecord(str(i, "tenant_id"), str(i, "session_id"), str(i, "user_id"), str(i, "tier"), time(i, "created_at"),
        time(i, "expires_at"), str(i, "title"), (int) num(i, "message_count"));
  }

  /** What the newest open session turned out to be: found, or still being created by another call (wait and look again). */
  private record Pick(Optional<SessionRecord> session, boolean underWay) {
  }

  /**
   * Opens a session under the user's limit (exact: one slots item per user, written by compare-and-set on its version,
   * expired entries dropped on each write). With {@code reuse}, the newest open session is returned when there is one.
   * The slot is claimed before the session is written, so a crash in between can only leave a slot without a session,
   * which stops counting once stale.
   */
  private Future<SessionRecord> openSession(SessionRecord s, int limit, boolean reuse, int attempt) {
    String t = s.tenantId();
    long now = s.createdAt().toEpochMilli();
    return slots(t, s.userId()).compose(current -> {
      List<Slot> active = current.activeAt(now);
      Future<Pick> pick = reuse && !active.isEmpty() ? newest(t, active) : Future.succeededFuture(new Pick(Optional.empty(), false));
      return pick.compose(p -> {
        if (p.session().isPresent()) {
          return Future.succeededFuture(p.session().get());
        }
        if (p.underWay()) {
          return retrySlots(s, limit, reuse, attempt);
        }
        return (active.size() >= limit ? withoutAbandoned(t, active) : Future.succeededFuture(active)).compose(live -> {
          if (live.size() >= limit) {
            return Future.failedFuture(StoreErrors.sessionLimit(limit));
          }
          if (live.stream().anyMatch(x -> x.sessionId().equals(s.sessionId()))) {
            return Future.failedFuture(StoreErrors.sessionIdTaken());
          }
          List<Slot> next = new ArrayList<>(live);
          next.add(new Slot(s.sessionId(), now, s.expiresAt().toEpochMilli()));
          return writeSlots(t, s.userId(), current, next).compose(won -> won
              ? writeSession(s).recover(err -> releaseSlot(s, 1).transform(x -> Future.failedFuture(err)))
              : retrySlots(s, limit, reuse, attempt));
        });
      });
    });
  }

  private Future<SessionRecord> retrySlots(SessionRecord s, int limit, boolean reuse, int attempt) {
    if (attempt >= CLAIM_ATTEMPTS) {
      return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("Too many sessions are being opened at once; please try again."));
    }
    return d.later(casDelay(attempt), () -> openSession(s, limit, reuse, attempt + 1));
  }

  private Future<Pick> newest(String t, List<Slot> active) {
    Slot newest = Collections.max(active, Comparator.comparingLong(Slot::created).thenComparing(Slot::sessionId));
    return session(t, newest.sessionId()).map(found -> new Pick(found, found.isEmpty() && !stale(Instant.ofEpochMilli(newest.created()))));
  }

  /** The slots whose session exists, or was claimed too recently to tell (its creation may still be under way). */
  private Future<List<Slot>> withoutAbandoned(String t, List<Slot> active) {
    List<Item> keys = active.stream().map(s -> Keys.session(t, s.sessionId())).toList();
    return d.batchGet(Map.of(sessions, keys)).map(items -> {
      Set<String> present = new HashSet<>();
      items.forEach(i -> present.add(str(i, "session_id")));
      return active.stream().filter(s -> present.contains(s.sessionId()) || !stale(Instant.ofEpochMilli(s.created()))).toList();
    });
  }

  private Future<SessionRecord> writeSession(SessionRecord s) {
    return d.putNew(sessions, sessionItem(s, token())).compose(created -> {
      if (!created) {
        return Future.failedFuture(StoreErrors.sessionIdTaken());
      }
      return d.put(sessions, Keys.listing(s.tenantId(), s.userId(), s.createdAt().toEpochMilli(), s.sessionId())
          .s("session_id", s.sessionId()).n("ttl", sessionTtl(s))).map(s);
    });
  }

  /** Undo: gives a claimed slot back. */
  private Future<Void> releaseSlot(SessionRecord s, int attempt) {
    return slots(s.tenantId(), s.userId()).compose(current -> {
      List<Slot> next = current.all().stream().filter(x -> !x.sessionId().equals(s.sessionId())).toList();
      if (next.size() == current.all().size()) {
        return Future.succeededFuture();
      }
      return writeSlots(s.tenantId(), s.userId(), current, next).compose(done -> done || attempt >= CLAIM_ATTEMPTS
          ? Future.<Void>succeededFuture() : d.later(casDelay(attempt), () -> releaseSlot(s, attempt + 1)));
    }).otherwise(t -> {
      LOG.error("session slot of tenant {} could not be given back (it frees itself when the session would have expired): {}", s.tenantId(), t.toString());
      return null;
    });
  }

  @Override
  public Future<SessionRecord> createSession(SessionRecord session, int limit) {
    return openSession(session, limit, false, 1);
  }

  @Override
  public Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit) {
    return openSession(candidate, limit, true, 1);
  }

  @Override
  public Future<Optional<SessionRecord>> session(String tenantId, String sessionId) {
    Instant now = clock.instant();
    return d.get(sessions, Keys.session(tenantId, sessionId)).map(o -> o.filter(i -> !Item.gone(i, now)).map(DynamoStore::toSession));
  }

  @Override
  public Future<List<SessionRecord>> sessions(String tenantId, String userId, int max) {
    Instant now = clock.instant();
    return d.query(byPrefix(sessions, Keys.userPk(tenantId, userId), "SESSION#", false), max, i -> !Item.gone(i, now)).compose(listing -> {
      if (listing.isEmpty()) {
        return Future.succeededFuture(List.<SessionRecord>of());
      }
      List<Item> keys = listing.stream().map(i -> Keys.session(tenantId, str(i, "session_id"))).toList();
      return d.batchGet(Map.of(sessions, keys)).map(items -> {
        Map<String, SessionRecord> byId = new HashMap<>();
        items.stream().filter(i -> !Item.gone(i, now)).forEach(i -> byId.put(str(i, "session_id"), toSession(i)));
        return listing.stream().map(i -> byId.get(str(i, "session_id"))).filter(s -> s != null).toList();
      });
    });
  }

  // ================================================================ session ownership (cluster mode)

  @Override
  public Future<SessionOwner> sessionOwner(String tenantId, String sessionId) {
    return d.get(sessions, Keys.sessionOwner(tenantId, sessionId))
        .map(o -> o.map(i -> new SessionOwner(str(i, "node"), num(i, "epoch"))).orElse(SessionOwner.NONE));
  }

  @Override
  public Future<Boolean> claimSession(String tenantId, String sessionId, String node, SessionOwner seen) {
    return writeOwner(tenantId, sessionId, new SessionOwner(node, seen.epoch() + 1), seen, false);
  }

  @Override
  public Future<Boolean> releaseSession(String tenantId, String sessionId, SessionOwner mine) {
    return writeOwner(tenantId, sessionId, new SessionOwner("", mine.epoch() + 1), mine, true);
  }

  /** Replaces the owner record if it still holds {@code seen} (its epoch, and its node when releasing). */
  private Future<Boolean> writeOwner(String t, String sessionId, SessionOwner next, SessionOwner seen, boolean sameNode) {
    Item item = Keys.sessionOwner(t, sessionId).s("node", next.node()).n("epoch", next.epoch())
        .s("w", next.node() + "@" + next.epoch()).n("updated_at", System.currentTimeMillis());
    if (seen.epoch() == 0) {
      return d.putNew(sessions, item);
    }
    return sameNode
        ? d.putIf(sessions, item, "#epoch = :e AND #node = :n", vals(":e", seen.epoch(), ":n", seen.node()))
        : d.putIf(sessions, item, "#epoch = :e", vals(":e", seen.epoch()));
  }

  @Override
  public Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    Instant now = clock.instant();
    return d.query(byPrefix(sessions, Keys.sessionPk(tenantId, sessionId), "MSG#", false), max, i -> !Item.gone(i, now)).map(items -> {
      List<MessageRecord> out = new ArrayList<>(items.size());
      for (int k = items.size() - 1; k >= 0; k--) {
        Map<String, AttributeValue> i = items.get(k);
        out.add(new MessageRecord(str(i, "turn_id"), str(i, "role"), str(i, "text"), str(i, "status"), time(i, "created_at")));
      }
      return out;
    });
  }

  // ================================================================ usage: reservation

  private static TurnRecord toTurn(Map<String, AttributeValue> i) {
    return new TurnRecord(str(i, "tenant_id"), str(i, "turn_id"), str(i, "user_id"), str(i, "session_id"), str(i, "request_id"),
        str(i, "status"), str(i, "day_key"), str(i, "month_key"), time(i, "created_at"), time(i, "finished_at"));
  }

  @Override
  public Future<ReserveOutcome> reserveTurn(ReserveRequest r) {
    String w = token();
    Future<Optional<TurnRecord>> earlier = r.requestId() == null ? Future.succeededFuture(Optional.empty()) : claimRequest(r, w, 1);
    return earlier.compose(dup -> {
      if (dup.isPresent()) {
        return Future.succeededFuture(new ReserveOutcome(ReserveOutcome.Status.DUPLICATE, dup.get(), 0, 0));
      }
      return d.get(usage, Keys.turn(r.tenantId(), r.turnId())).compose(existing -> existing.isPresent()
              ? Future.<ReserveOutcome>failedFuture(StoreErrors.turnIdTaken())
              : admit(r, w))
          .recover(err -> undoRequest(r, w).transform(x -> Future.failedFuture(err)));
    });
  }

  /**
   * The idempotency key: a conditional put of the request id item (or of one older than the 24 h window). Empty when this
   * reservation holds the key; the earlier turn when the request was already reserved. A key whose turn is not written
   * yet belongs to a reservation under way: wait for it, or take the key over once it is stale.
   */
  private Future<Optional<TurnRecord>> claimRequest(ReserveRequest r, String w, int attempt) {
    Item key = Keys.request(r.tenantId(), r.userId(), r.requestId());
    Item item = Keys.request(r.tenantId(), r.userId(), r.requestId()).s("turn_id", r.turnId()).n("created_at", r.now())
        .n("ttl", r.now().plus(IDEMPOTENCY_WINDOW).plus(Duration.ofDays(1)).getEpochSecond()).s("w", w);
    long cutoff = r.now().minus(IDEMPOTENCY_WINDOW).toEpochMilli();
    return d.putIf(usage, item, "attribute_not_exists(#pk) OR #created_at < :cutoff", vals(":cutoff", cutoff)).compose(mine -> {
      if (mine) {
        return Future.succeededFuture(Optional.<TurnRecord>empty());
      }
      return d.get(usage, key).compose(found -> {
        if (found.isEmpty()) {
          return retryRequest(r, w, attempt);
        }
        Map<String, AttributeValue> old = found.get();
        return d.get(usage, Keys.turn(r.tenantId(), str(old, "turn_id"))).compose(turn -> {
          if (turn.isPresent()) {
            return Future.succeededFuture(Optional.of(toTurn(turn.get())));
          }
          if (stale(time(old, "created_at"))) {
            return d.putIf(usage, item, "#w = :old", vals(":old", old.get("w")))
                .compose(taken -> taken ? Future.succeededFuture(Optional.<TurnRecord>empty()) : retryRequest(r, w, attempt));
          }
          return retryRequest(r, w, attempt);
        });
      });
    });
  }

  private Future<Optional<TurnRecord>> retryRequest(ReserveRequest r, String w, int attempt) {
    if (attempt >= CLAIM_ATTEMPTS) {
      return Future.failedFuture(ErrorCode.TURN_IN_PROGRESS.exception("This request is still being processed; try again in a moment."));
    }
    return d.later(casDelay(attempt), () -> claimRequest(r, w, attempt + 1));
  }

  private Future<Void> undoRequest(ReserveRequest r, String w) {
    return r.requestId() == null ? Future.succeededFuture()
        : d.undo("request id", () -> deleteOwn(usage, Keys.request(r.tenantId(), r.userId(), r.requestId()), w), true);
  }

  /**
   * One conditional {@code ADD} on a quota counter: the new count, or -1 when the limit is reached (nothing changed). The
   * counter remembers the last reservation that counted ({@code last_w}), and the condition refuses to count the same one
   * twice: when a lost answer makes the SDK send the call again, the repeat is refused and the read that follows shows
   * that the first attempt counted.
   */
  private Future<Long> count(ReserveRequest r, String period, int limit, String w) {
    Item key = Keys.counter(r.tenantId(), r.userId(), period);
    String update = "SET #tenant_id = :t, #user_id = :u, #ttl = :ttl, #last_w = :w ADD #used :one";
    return d.update(usage, key, update, "(attribute_not_exists(#used) OR #used < :limit) AND (attribute_not_exists(#last_w) OR #last_w <> :w)",
            vals(":t", r.tenantId(), ":u", r.userId(), ":ttl", r.now().getEpochSecond() + COUNTER_TTL_SECONDS, ":one", 1, ":limit", limit, ":w", w), true)
        .map(i -> num(i, "used"))
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(usage, key).map(i -> i.isPresent() && w.equals(str(i.get(), "last_w")) ? num(i.get(), "used") : -1L)
            : Future.failedFuture(t));
  }

  private Future<Void> uncount(ReserveRequest r, String period) {
    return d.undo("quota count " + period, () -> addOnce(usage, Keys.counter(r.tenantId(), r.userId(), period), "used", -1), false);
  }

  private Future<ReserveOutcome> refused(ReserveRequest r, ReserveOutcome.Status status) {
    return quotaUsage(r.tenantId(), r.userId(), r.dayKey(), r.monthKey(), r.now())
        .map(q -> new ReserveOutcome(status, null, q.dailyUsed(), q.monthlyUsed()));
  }

  /** Day counter, then month counter, then the turn and its message; a refused or failed step undoes the ones before. */
  private Future<ReserveOutcome> admit(ReserveRequest r, String w) {
    return count(r, r.dayKey(), r.dailyLimit(), w).compose(daily -> {
      if (daily < 0) {
        return undoRequest(r, w).compose(v -> refused(r, ReserveOutcome.Status.DAILY_EXCEEDED));
      }
      return count(r, r.monthKey(), r.monthlyLimit(), w).compose(monthly -> {
        if (monthly < 0) {
          return uncount(r, r.dayKey()).compose(v -> undoRequest(r, w)).compose(v -> refused(r, ReserveOutcome.Status.MONTHLY_EXCEEDED));
        }
        return holdBudget(r).compose(refusal -> {
          if (refusal != null) {
            return uncount(r, r.monthKey()).compose(v -> uncount(r, r.dayKey())).compose(v -> undoRequest(r, w)).compose(v -> refused(r, refusal));
          }
          return recordTurn(r, w).map(turn -> new ReserveOutcome(ReserveOutcome.Status.RESERVED, turn, daily, monthly))
              .recover(err -> releaseHolds(r).compose(v -> uncount(r, r.monthKey())).compose(v -> uncount(r, r.dayKey()))
                  .transform(x -> Future.failedFuture(err)));
        }, err -> uncount(r, r.monthKey()).compose(v -> uncount(r, r.dayKey())).transform(x -> Future.failedFuture(err)));
      }, err -> uncount(r, r.dayKey()).transform(x -> Future.failedFuture(err)));
    });
  }

  /** The user message takes the session's next sequence number; the turn item records it for the reply. */
  private Future<TurnRecord> recordTurn(ReserveRequest r, String w) {
    String t = r.tenantId();
    Item sessionKey = Keys.session(t, r.sessionId());
    String update = "SET #next_seq = if_not_exists(#next_seq, :zero) + :one, #message_count = if_not_exists(#message_count, :zero) + :one, "
        + "#title = if_not_exists(#title, :title)";
    return d.update(sessions, sessionKey, update, "attribute_exists(#pk)", vals(":zero", 0, ":one", 1, ":title", SessionRecord.titleOf(r.message())), false)
        .recover(e -> Dynamo.conditionFailed(e) ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session.")) : Future.failedFuture(e))
        .compose(session -> {
          long seq = num(session, "next_seq");
          long ttl = num(session, "ttl");
          Item message = Keys.message(t, r.sessionId(), seq, 0).s("turn_id", r.turnId()).s("role", "user").s("text", r.message())
              .s("status", "completed").n("created_at", r.now()).n("ttl", ttl);
          TurnRecord turn = new TurnRecord(t, r.turnId(), r.userId(), r.sessionId(), r.requestId(), "running", r.dayKey(), r.monthKey(), r.now(), null);
          Item turnItem = Keys.turn(t, r.turnId()).s("tenant_id", t).s("turn_id", r.turnId()).s("user_id", r.userId()).s("session_id", r.sessionId())
              .s("request_id", r.requestId()).s("status", "running").s("day_key", r.dayKey()).s("month_key", r.monthKey()).n("created_at", r.now())
              .n("seq", seq).n("message_ttl", ttl).s("running_shard", Keys.runningShard(Keys.shard(r.turnId()))).s("w", w)
              .n("budget_held", r.budgetReserveNanos());
          return d.put(sessions, message)
              .compose(v -> d.putNew(usage, turnItem))
              .compose(created -> created ? Future.succeededFuture(turn) : Future.<TurnRecord>failedFuture(StoreErrors.turnIdTaken()))
              .recover(err -> d.undo("user message", () -> d.db.deleteItem(b -> b.tableName(sessions).key(Keys.message(t, r.sessionId(), seq, 0).map())), true)
                  .compose(v -> d.undo("message count", () -> addOnce(sessions, sessionKey, "message_count", -1), false))
                  .transform(x -> Future.failedFuture(err)));
        });
  }

  // ================================================================ usage: settlement

  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest r) {
    for (UsageEvent e : r.events()) {
      if (!e.tenantId().equals(r.tenantId())) {
        return Future.failedFuture(new IllegalArgumentException("usage event of another tenant in a settlement"));
      }
    }
    String w = token();
    return d.get(usage, Keys.turn(r.tenantId(), r.turnId())).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(StoreErrors.unknownTurn());
      }
      TurnRecord turn = toTurn(found.get());
      if (!turn.running()) {
        return turnCost(r.tenantId(), r.turnId()).map(c -> new SettleOutcome(false, 0, c));
      }
      List<Future<Boolean>> events = r.events().stream().map(e -> recordEvent(e, w)).toList();
      return Future.all(events).compose(cf -> {
        int recorded = (int) events.stream().filter(Future::result).count();
        Future<Void> reply = r.reply() == null ? Future.succeededFuture() : appendReply(r, found.get(), w);
        return reply.compose(v -> closeTurn(r, w)).compose(won -> {
          if (!won) {
            return turnCost(r.tenantId(), r.turnId()).map(c -> new SettleOutcome(false, 0, c));
          }
          Future<Void> refund = r.refund()
              ? d.undo("refund day", () -> addOnce(usage, Keys.counter(r.tenantId(), turn.userId(), turn.dayKey()), "used", -1), false)
                  .compose(v -> d.undo("refund month", () -> addOnce(usage, Keys.counter(r.tenantId(), turn.userId(), turn.monthKey()), "used", -1), false))
              : Future.succeededFuture();
          return refund.compose(v -> turnCost(r.tenantId(), r.turnId()))
              .compose(c -> afterSettle(r, turn, found.get(), c).map(alerts -> new SettleOutcome(true, recorded, c, alerts)));
        });
      });
    });
  }

  private static String day(UsageEvent e) {
    return e.at().toString().substring(0, 10);
  }

  /** The event as a conditional put on its id; its rollup advances only when this put created it. */
  private Future<Boolean> recordEvent(UsageEvent e, String w) {
    String t = e.tenantId();
    String day = day(e);
    String dayPk = Keys.dayPk(t, day, Keys.shard(e.userId()));
    Item item = Keys.event(t, e.turnId(), e.eventId()).s("tenant_id", t).s("event_id", e.eventId()).s("user_id", e.userId())
        .s("session_id", e.sessionId()).s("turn_id", e.turnId()).s("kind", e.kind()).s("service", e.service()).s("model", e.model())
        .n("quantity", e.quantity()).n("cost_nanos", e.costNanos()).b("estimated", e.estimated()).n("created_at", e.at()).s("day", day)
        .s("day_pk", dayPk).s("w", w);
    return d.putNew(usage, item).compose(created -> {
      if (!created) {
        return Future.succeededFuture(false);
      }
      UsageTotals u = UsageTotals.of(e);
      String update = "SET #tenant_id = :t, #user_id = :u, #day = :day, #service = :svc, #model = :model, #day_pk = :dp "
          + "ADD #input_tokens :in, #output_tokens :out, #invocations :inv, #tool_actions :tools, #cost_nanos :cost, #events :one";
      return d.update(usage, Keys.rollup(t, e.userId(), day, e.service(), e.model()), update, null,
          vals(":t", t, ":u", e.userId(), ":day", day, ":svc", e.service(), ":model", e.model(), ":dp", dayPk, ":in", u.inputTokens(),
              ":out", u.outputTokens(), ":inv", u.invocations(), ":tools", u.toolActions(), ":cost", u.costNanos(), ":one", 1), false)
          .map(i -> true);
    });
  }

  /** The reply takes its question's sequence number (second part); the session's count advances only when it is new. */
  private Future<Void> appendReply(SettleRequest r, Map<String, AttributeValue> turn, String w) {
    Item message = Keys.message(r.tenantId(), r.sessionId(), num(turn, "seq"), 1).s("turn_id", r.turnId()).s("role", "assistant")
        .s("text", r.reply()).s("status", r.status()).n("created_at", r.now()).n("ttl", num(turn, "message_ttl")).s("w", w);
    return d.putNew(sessions, message).compose(created -> created
        ? d.update(sessions, Keys.session(r.tenantId(), r.sessionId()), "ADD #message_count :one", "attribute_exists(#pk)", vals(":one", 1), false)
            .<Void>mapEmpty()
            .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t))
        : Future.succeededFuture());
  }

  /** Closes the turn if it is still running; true for the one settlement that did. */
  private Future<Boolean> closeTurn(SettleRequest r, String w) {
    Item key = Keys.turn(r.tenantId(), r.turnId());
    return d.update(usage, key, "SET #status = :s, #finished_at = :f, #settled_by = :w REMOVE #running_shard", "#status = :running",
            vals(":s", r.status(), ":f", r.now().toEpochMilli(), ":w", w, ":running", "running"), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(usage, key).map(o -> o.isPresent() && w.equals(str(o.get(), "settled_by")))
            : Future.failedFuture(t));
  }

  /** The items of one partition whose sort key starts with {@code prefix}, strongly consistent. */
  private static QueryRequest byPrefix(String table, String pk, String prefix, boolean oldestFirst) {
    return QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk AND begins_with(#sk, :p)")
        .expressionAttributeNames(Item.names("#pk #sk")).expressionAttributeValues(vals(":pk", pk, ":p", prefix))
        .scanIndexForward(oldestFirst).consistentRead(true).build();
  }

  /** One partition of an index of the usage table (indexes are eventually consistent). */
  private QueryRequest onIndex(String index, String keyAttribute, String value) {
    return QueryRequest.builder().tableName(usage).indexName(index).keyConditionExpression("#" + keyAttribute + " = :v")
        .expressionAttributeNames(Item.names("#" + keyAttribute)).expressionAttributeValues(vals(":v", value)).build();
  }

  private Future<Long> turnCost(String tenantId, String turnId) {
    return turnEventItems(tenantId, turnId).map(items -> items.stream().mapToLong(i -> num(i, "cost_nanos")).sum());
  }

  private Future<List<Map<String, AttributeValue>>> turnEventItems(String tenantId, String turnId) {
    return d.query(byPrefix(usage, Keys.turnPk(tenantId, turnId), "EVENT#", true), Integer.MAX_VALUE, i -> true);
  }

  // ================================================================ usage: reads

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return d.get(usage, Keys.turn(tenantId, turnId)).map(o -> o.map(DynamoStore::toTurn));
  }

  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    Item day = Keys.counter(tenantId, userId, dayKey);
    Item month = Keys.counter(tenantId, userId, monthKey);
    Item slots = Keys.slots(tenantId, userId);
    return d.batchGet(Map.of(usage, List.of(day, month), sessions, List.of(slots))).map(items -> {
      long daily = 0;
      long monthly = 0;
      int active = 0;
      for (Map<String, AttributeValue> i : items) {
        String sk = str(i, "sk");
        if (sk.equals(str(day.map(), "sk"))) {
          daily = num(i, "used");
        } else if (sk.equals(str(month.map(), "sk"))) {
          monthly = num(i, "used");
        } else if (sk.equals("SLOTS")) {
          active = toSlots(Optional.of(i)).activeAt(now.toEpochMilli()).size();
        }
      }
      return new QuotaUsage(daily, monthly, active);
    });
  }

  @Override
  public Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay) {
    // '$' sorts right after '#', so the upper bound takes in every rollup of toDay
    QueryRequest q = QueryRequest.builder().tableName(usage).keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Item.names("#pk #sk"))
        .expressionAttributeValues(vals(":pk", Keys.userPk(tenantId, userId), ":from", "ROLLUP#" + fromDay, ":to", "ROLLUP#" + toDay + "$"))
        .consistentRead(true).build();
    return d.query(q, Integer.MAX_VALUE, i -> true).map(items -> new UsageTotals(
        items.stream().mapToLong(i -> num(i, "input_tokens")).sum(),
        items.stream().mapToLong(i -> num(i, "output_tokens")).sum(),
        items.stream().mapToLong(i -> num(i, "invocations")).sum(),
        items.stream().mapToLong(i -> num(i, "tool_actions")).sum(),
        items.stream().mapToLong(i -> num(i, "cost_nanos")).sum()));
  }

  @Override
  public Future<List<UsageEvent>> turnEvents(String tenantId, String turnId) {
    return turnEventItems(tenantId, turnId).map(items -> items.stream().map(i -> new UsageEvent(str(i, "event_id"), str(i, "tenant_id"),
        str(i, "user_id"), str(i, "session_id"), str(i, "turn_id"), str(i, "kind"), str(i, "service"), str(i, "model"), num(i, "quantity"),
        num(i, "cost_nanos"), bool(i, "estimated"), time(i, "created_at"))).toList());
  }

  /** Reads the sparse running-turns index, every shard (a Query each, no Scan). */
  @Override
  public Future<List<TurnRecord>> runningTurns() {
    List<Future<List<Map<String, AttributeValue>>>> shards = new ArrayList<>();
    for (int k = 0; k < Keys.SHARDS; k++) {
      shards.add(d.query(onIndex(Tables.RUNNING_INDEX, "running_shard", Keys.runningShard(k)), Integer.MAX_VALUE, i -> true));
    }
    return Future.all(shards).map(cf -> shards.stream().flatMap(f -> f.result().stream()).map(DynamoStore::toTurn).toList());
  }

  // ================================================================ budgets, turn totals, traces

  /**
   * Holds an upper bound of the turn's cost against the tenant's and the user's monthly budgets. The spend item keeps
   * {@code held_nanos} = spent + outstanding holds, so one conditional {@code ADD} decides admission exactly (DynamoDB
   * conditions cannot add up two attributes). Returns the refusal, or null when the holds were taken.
   */
  private Future<ReserveOutcome.Status> holdBudget(ReserveRequest r) {
    if (r.budgetReserveNanos() <= 0) {
      return Future.succeededFuture(null);
    }
    String t = r.tenantId();
    return d.batchGet(Map.of(usage, List.of(Keys.budget(t, Budget.TENANT), Keys.budget(t, r.userId())))).compose(items -> {
      Map<String, Long> limits = new HashMap<>();
      items.forEach(i -> limits.put(str(i, "scope"), num(i, "limit_nanos")));
      return hold(r, Budget.TENANT, limits.get(Budget.TENANT)).compose(tenantOk -> {
        if (!tenantOk) {
          return Future.succeededFuture(ReserveOutcome.Status.TENANT_BUDGET_EXCEEDED);
        }
        return hold(r, r.userId(), limits.get(r.userId())).compose(userOk -> userOk ? Future.succeededFuture((ReserveOutcome.Status) null)
            : release(r, Budget.TENANT).map(v -> ReserveOutcome.Status.USER_BUDGET_EXCEEDED));
      });
    });
  }

  private Future<Boolean> hold(ReserveRequest r, String scope, Long limit) {
    if (limit != null && limit - r.budgetReserveNanos() < 0) {
      return Future.succeededFuture(false);
    }
    String update = "SET #tenant_id = :t, #scope = :s ADD #held_nanos :r";
    String condition = limit == null ? null : "attribute_not_exists(#held_nanos) OR #held_nanos <= :max";
    Map<String, AttributeValue> values = limit == null ? vals(":t", r.tenantId(), ":s", scope, ":r", r.budgetReserveNanos())
        : vals(":t", r.tenantId(), ":s", scope, ":r", r.budgetReserveNanos(), ":max", limit - r.budgetReserveNanos());
    return d.update(usage, Keys.spend(r.tenantId(), scope, r.monthKey()), update, condition, values, false).map(i -> true)
        .recover(e -> Dynamo.conditionFailed(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private Future<Void> release(ReserveRequest r, String scope) {
    return d.undo("budget hold", () -> addOnce(usage, Keys.spend(r.tenantId(), scope, r.monthKey()), "held_nanos", -r.budgetReserveNanos()), false);
  }

  private Future<Void> releaseHolds(ReserveRequest r) {
    return r.budgetReserveNanos() <= 0 ? Future.succeededFuture() : release(r, Budget.TENANT).compose(v -> release(r, r.userId()));
  }

  /**
   * After the one settlement that closed the turn: its totals (for the most-expensive-turns report), its trace steps,
   * and the budgets: the hold is replaced by the real cost, and each threshold crossed is recorded once (a conditional
   * put), so its alert is sent once.
   */
  private Future<List<BudgetAlert>> afterSettle(SettleRequest r, TurnRecord turn, Map<String, AttributeValue> turnItem, long cost) {
    String t = r.tenantId();
    long in = r.events().stream().filter(e -> e.kind().equals("input_tokens")).mapToLong(UsageEvent::quantity).sum();
    long out = r.events().stream().filter(e -> e.kind().equals("output_tokens")).mapToLong(UsageEvent::quantity).sum();
    Item summary = Keys.turnCost(t, turn.userId(), turn.createdAt().toEpochMilli(), r.turnId()).s("tenant_id", t).s("turn_id", r.turnId())
        .s("user_id", turn.userId()).s("session_id", turn.sessionId()).s("status", r.status()).n("created_at", turn.createdAt())
        .n("input_tokens", in).n("output_tokens", out).n("cost_nanos", cost);
    List<WriteRequest> traces = new ArrayList<>();
    for (int i = 0; i < r.traces().size(); i++) {
      Item step = Keys.trace(t, r.turnId(), i).s("tenant_id", t).s("detail", r.traces().get(i).encode());
      traces.add(WriteRequest.builder().putRequest(p -> p.item(step.map())).build());
    }
    long held = num(turnItem, "budget_held");
    List<BudgetAlert> alerts = new ArrayList<>();
    Future<Void> chain = d.put(usage, summary).compose(v -> traces.isEmpty() ? Future.succeededFuture() : d.batchWrite(usage, traces));
    for (String scope : List.of(Budget.TENANT, turn.userId())) {
      chain = chain.compose(v -> d.update(usage, Keys.spend(t, scope, turn.monthKey()), "SET #tenant_id = :t, #scope = :s ADD #spent_nanos :c, #held_nanos :d",
              null, vals(":t", t, ":s", scope, ":c", cost, ":d", cost - held), false)
          .compose(spend -> d.get(usage, Keys.budget(t, scope)).compose(b -> {
            if (b.isEmpty() || num(b.get(), "limit_nanos") <= 0) {
              return Future.succeededFuture();
            }
            long limit = num(b.get(), "limit_nanos");
            long spent = num(spend, "spent_nanos");
            Future<Void> each = Future.succeededFuture();
            for (int threshold : BUDGET_THRESHOLDS) {
              if (spent * 100 >= (long) threshold * limit) {
                each = each.compose(x -> d.putNew(usage, Keys.budgetAlert(t, scope, turn.monthKey(), threshold).s("w", token())).map(created -> {
                  if (created) {
                    alerts.add(new BudgetAlert(t, scope, turn.monthKey(), threshold, spent, limit));
                  }
                  return null;
                }));
              }
            }
            return each;
          })));
    }
    return chain.map(v -> alerts);
  }

  static final int[] BUDGET_THRESHOLDS = {50, 80, 100};

  @Override
  public Future<List<io.vertx.core.json.JsonObject>> traces(String tenantId, String turnId) {
    return d.query(byPrefix(usage, Keys.turnPk(tenantId, turnId), "TRACE#", true), Integer.MAX_VALUE, i -> true)
        .map(items -> items.stream().map(i -> new io.vertx.core.json.JsonObject(str(i, "detail"))).toList());
  }

  /** Runs one query per member of the tenant (16 at a time) and joins the results. */
  private <T> Future<List<T>> perUser(String tenantId, String onlyUser, java.util.function.Function<String, Future<List<T>>> query) {
    Future<List<String>> ids = onlyUser != null ? Future.succeededFuture(List.of(onlyUser))
        : users(tenantId).map(us -> us.stream().map(UserRecord::userId).toList());
    return ids.compose(list -> {
      List<T> out = java.util.Collections.synchronizedList(new ArrayList<>());
      Future<Void> chain = Future.succeededFuture();
      for (int from = 0; from < list.size(); from += 16) {
        List<String> batch = list.subList(from, Math.min(list.size(), from + 16));
        chain = chain.compose(v -> Future.all(batch.stream().map(u -> query.apply(u).onSuccess(out::addAll)).toList()).mapEmpty());
      }
      return chain.map(v -> new ArrayList<>(out));
    });
  }

  @Override
  public Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay) {
    return perUser(tenantId, null, user -> d.query(QueryRequest.builder().tableName(usage).keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
            .expressionAttributeNames(Item.names("#pk #sk"))
            .expressionAttributeValues(vals(":pk", Keys.userPk(tenantId, user), ":from", "ROLLUP#" + fromDay, ":to", "ROLLUP#" + toDay + "$"))
            .build(), Integer.MAX_VALUE, i -> true)
        .map(items -> items.stream().map(i -> new RollupRow(str(i, "day"), user, str(i, "service"), str(i, "model"), num(i, "input_tokens"),
            num(i, "output_tokens"), num(i, "invocations"), num(i, "tool_actions"), num(i, "cost_nanos"), num(i, "events"))).toList()))
        .map(rows -> rows.stream().sorted(java.util.Comparator.comparing(RollupRow::day)).toList());
  }

  @Override
  public Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit) {
    return perUser(tenantId, userId, user -> d.query(QueryRequest.builder().tableName(usage).keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
            .expressionAttributeNames(Item.names("#pk #sk"))
            .expressionAttributeValues(vals(":pk", Keys.userPk(tenantId, user), ":from", String.format("TURNCOST#%013d", from.toEpochMilli()),
                ":to", String.format("TURNCOST#%013d", to.toEpochMilli() - 1) + "$"))
            .build(), Integer.MAX_VALUE, i -> true)
        .map(items -> items.stream().map(i -> new TurnCost(str(i, "turn_id"), user, str(i, "session_id"), str(i, "status"), time(i, "created_at"),
            num(i, "input_tokens"), num(i, "output_tokens"), num(i, "cost_nanos"))).toList()))
        .map(all -> all.stream().sorted(java.util.Comparator.comparingLong(TurnCost::costNanos).reversed()
            .thenComparing(TurnCost::createdAt, java.util.Comparator.reverseOrder())).limit(limit).toList());
  }

  @Override
  public Future<List<UserRecord>> users(String tenantId) {
    return d.query(byPrefix(identity, Keys.tenant(tenantId), "USER#", true), Integer.MAX_VALUE, i -> true)
        .map(items -> items.stream().map(DynamoStore::toUser).sorted(java.util.Comparator.comparing(UserRecord::createdAt)).toList());
  }

  @Override
  public Future<Boolean> setRole(String tenantId, String userId, String role) {
    return d.update(identity, Keys.user(tenantId, userId), "SET #role = :r", "attribute_exists(#pk)", vals(":r", role), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  @Override
  public Future<Void> setBudget(String tenantId, String scope, long limitNanos) {
    return limitNanos < 0 ? d.delete(usage, Keys.budget(tenantId, scope))
        : d.put(usage, Keys.budget(tenantId, scope).s("tenant_id", tenantId).s("scope", scope).n("limit_nanos", limitNanos));
  }

  @Override
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return d.query(byPrefix(usage, Keys.budgetPk(tenantId), "BUDGET#", true), Integer.MAX_VALUE, i -> true).compose(bs -> {
      if (bs.isEmpty()) {
        return Future.succeededFuture(List.<Budget>of());
      }
      return d.batchGet(Map.of(usage, bs.stream().map(b -> Keys.spend(tenantId, str(b, "scope"), monthKey)).toList())).map(spends -> {
        Map<String, Map<String, AttributeValue>> byScope = new HashMap<>();
        spends.forEach(s -> byScope.put(str(s, "scope"), s));
        return bs.stream().map(b -> {
          Map<String, AttributeValue> s = byScope.getOrDefault(str(b, "scope"), Map.of());
          long spent = s.isEmpty() ? 0 : num(s, "spent_nanos");
          long held = s.isEmpty() ? 0 : num(s, "held_nanos");
          return new Budget(tenantId, str(b, "scope"), num(b, "limit_nanos"), spent, Math.max(0, held - spent));
        }).sorted(java.util.Comparator.comparing(Budget::scope)).toList();
      });
    });
  }

  // ================================================================ maintenance

  /**
   * Recomputes the tenant's rollups day by day from its usage events (read through the events-by-day index, one Query per
   * shard), writes them with BatchWriteItem, and deletes rollups that no event supports. Meant for days without live
   * traffic (a settlement racing the rewrite of its rollup could be lost); the index is eventually consistent, so run
   * it a moment after the last write of the day.
   */
  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    LocalDate from = LocalDate.parse(fromDay);
    LocalDate to = LocalDate.parse(toDay);
    if (ChronoUnit.DAYS.between(from, to) > MAX_REBUILD_DAYS) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("Rebuild at most " + MAX_REBUILD_DAYS + " days at a time."));
    }
    Future<Long> chain = Future.succeededFuture(0L);
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      String dayText = day.toString();
      chain = chain.compose(n -> rebuildDay(tenantId, dayText).map(m -> n + m));
    }
    return chain;
  }

  private Future<Integer> rebuildDay(String tenantId, String day) {
    List<Future<List<Map<String, AttributeValue>>>> shards = new ArrayList<>();
    for (int k = 0; k < Keys.SHARDS; k++) {
      shards.add(d.query(onIndex(Tables.DAY_INDEX, "day_pk", Keys.dayPk(tenantId, day, k)), Integer.MAX_VALUE, i -> true));
    }
    return Future.all(shards).compose(cf -> {
      Map<String, Item> rebuilt = new LinkedHashMap<>();
      Map<String, long[]> sums = new HashMap<>();
      Set<String> existing = new HashSet<>();
      for (Future<List<Map<String, AttributeValue>>> shard : shards) {
        for (Map<String, AttributeValue> i : shard.result()) {
          String sk = str(i, "sk");
          if (sk.startsWith("ROLLUP#")) {
            existing.add(str(i, "pk") + "\n" + sk);
            continue;
          }
          String user = str(i, "user_id");
          Item rollup = Keys.rollup(tenantId, user, day, str(i, "service"), str(i, "model"));
          String id = str(rollup.map(), "pk") + "\n" + str(rollup.map(), "sk");
          rebuilt.computeIfAbsent(id, x -> rollup.s("tenant_id", tenantId).s("user_id", user).s("day", day).s("service", str(i, "service"))
              .s("model", str(i, "model")).s("day_pk", str(i, "day_pk")));
          UsageEvent e = new UsageEvent(str(i, "event_id"), tenantId, user, null, null, str(i, "kind"), null, null, num(i, "quantity"),
              num(i, "cost_nanos"), false, null);
          UsageTotals u = UsageTotals.of(e);
          long[] s = sums.computeIfAbsent(id, x -> new long[6]);
          s[0] += u.inputTokens();
          s[1] += u.outputTokens();
          s[2] += u.invocations();
          s[3] += u.toolActions();
          s[4] += u.costNanos();
          s[5]++;
        }
      }
      List<WriteRequest> writes = new ArrayList<>();
      rebuilt.forEach((id, item) -> {
        long[] s = sums.get(id);
        item.n("input_tokens", s[0]).n("output_tokens", s[1]).n("invocations", s[2]).n("tool_actions", s[3]).n("cost_nanos", s[4]).n("events", s[5]);
        writes.add(WriteRequest.builder().putRequest(p -> p.item(item.map())).build());
      });
      for (String id : existing) {
        if (!rebuilt.containsKey(id)) {
          String[] k = id.split("\n", 2);
          writes.add(WriteRequest.builder().deleteRequest(x -> x.key(Item.key(k[0], k[1]).map())).build());
        }
      }
      LOG.info("rollups rebuilt tenant={} day={} rollups={} removed={}", tenantId, day, rebuilt.size(), writes.size() - rebuilt.size());
      return d.batchWrite(usage, writes).map(v -> rebuilt.size());
    });
  }

  // ================================================================ lifecycle

  /** A single-item read of a key that never exists: cheap, and it fails when DynamoDB or the table cannot be reached. */
  @Override
  public Future<Void> ping() {
    return d.call(() -> d.db.getItem(b -> b.tableName(usage).key(Item.key("_ping", "_ping").map()))).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return d.vertx.executeBlocking(() -> {
      d.close();
      LOG.info("store closed");
      return null;
    });
  }
}
