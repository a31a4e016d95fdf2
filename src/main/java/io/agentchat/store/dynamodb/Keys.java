package io.agentchat.store.dynamodb;

import io.agentchat.common.ErrorCode;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Every key of the DynamoDB store, in one place (docs/dynamodb.md lists them with their access patterns). The tenant id
 * leads every partition key of the tenant tables: {@code <tenant>} alone or {@code <tenant>#...}. Tenant ids never hold
 * {@code #}, so one tenant's keys can never be read as another's.
 */
final class Keys {
  /** Write shards of the sparse indexes, so that no index partition takes more than its share of a busy tenant's writes. */
  static final int SHARDS = 8;

  private Keys() {
  }

  static String tenant(String tenantId) {
    if (tenantId == null || tenantId.isEmpty() || tenantId.indexOf('#') >= 0) {
      throw ErrorCode.INVALID_REQUEST.exception("Invalid tenant id.");
    }
    return tenantId;
  }

  // tenant-identity
  static Item tenantItem(String t) {
    return Item.key(tenant(t), "TENANT");
  }

  static Item user(String t, String userId) {
    return Item.key(tenant(t), "USER#" + userId);
  }

  static Item invite(String t, String code) {
    return Item.key(tenant(t), "INVITE#" + code);
  }

  /** Sort key prefix of a tenant's API keys, beside its users and invites. */
  static final String API_KEY = "APIKEY#";

  static Item apiKey(String t, String keyId) {
    return Item.key(tenant(t), API_KEY + keyId);
  }

  // auth-directory (looked up before the tenant is known)
  static Item email(String email) {
    return Item.key("EMAIL#" + email, "EMAIL");
  }

  static Item refresh(String tokenHash) {
    return Item.key("REFRESH#" + tokenHash, "REFRESH");
  }

  /** A chain of refresh tokens, present once the chain is revoked. */
  static Item refreshFamily(String family) {
    return Item.key("REFRESH_FAMILY#" + family, "REFRESH_FAMILY");
  }

  /** A tenant's audit log: one partition per tenant, an entry's claim of its id beside the entry itself. */
  static String auditPk(String t) {
    return tenant(t) + "#A";
  }

  /** Taken by the first append of an entry id (it holds that append's entry), so that the id is stored once. */
  static Item auditClaim(String t, String entryId) {
    return Item.key(auditPk(t), "ID#" + entryId);
  }

  /** The entry, found by time: entries of one instant sort by their id. */
  static Item auditEntry(String t, long atMs, String entryId) {
    return Item.key(auditPk(t), auditSk(atMs) + "#" + entryId);
  }

  private static String auditSk(long atMs) {
    return String.format("AT#%013d", atMs);
  }

  /** The range of sort keys of the entries in [fromMs, toMs): '$' sorts right after '#', so it takes in all of toMs - 1. */
  static String auditFrom(long fromMs) {
    return auditSk(fromMs);
  }

  static String auditBefore(long toMs) {
    return auditSk(toMs - 1) + "$";
  }

  // auth-directory: recent revocation marks of every tenant, one partition per UTC day of the mark
  static String markPk(LocalDate day) {
    return "MARK#" + day;
  }

  static Item mark(LocalDate day, String t, String userId) {
    return Item.key(markPk(day), tenant(t) + "#" + userId);
  }

  // tenant-sessions: one partition per session
  static String sessionPk(String t, String sessionId) {
    return tenant(t) + "#S#" + sessionId;
  }

  static Item session(String t, String sessionId) {
    return Item.key(sessionPk(t, sessionId), "SESSION");
  }

  /** The node that runs the session's actor (cluster mode). */
  static Item sessionOwner(String t, String sessionId) {
    return Item.key(sessionPk(t, sessionId), "OWNER");
  }

  static Item message(String t, String sessionId, long seq, int part) {
    return Item.key(sessionPk(t, sessionId), String.format("MSG#%010d#%d", seq, part));
  }

  // one partition per user: in tenant-sessions its open sessions, in tenant-usage its counters, rollups and turn totals
  static String userPk(String t, String userId) {
    return tenant(t) + "#U#" + userId;
  }

  static Item slots(String t, String userId) {
    return Item.key(userPk(t, userId), "SLOTS");
  }

  static Item listing(String t, String userId, long createdAtMs, String sessionId) {
    return Item.key(userPk(t, userId), String.format("SESSION#%013d#%s", createdAtMs, sessionId));
  }

  static Item request(String t, String userId, String requestId) {
    return Item.key(userPk(t, userId), "REQ#" + requestId);
  }

  static Item counter(String t, String userId, String period) {
    return Item.key(userPk(t, userId), "COUNT#" + period);
  }

  /** Sort key prefix of a user's daily rollups; they sort by day. */
  static final String ROLLUP = "ROLLUP#";

  static Item rollup(String t, String userId, String day, String service, String model) {
    return Item.key(userPk(t, userId), ROLLUP + day + "#" + service + "#" + model);
  }

  /** The range of sort keys of the rollups of days in [fromDay, toDay]: '$' sorts right after '#', so it takes in all of toDay. */
  static String rollupFrom(String fromDay) {
    return ROLLUP + fromDay;
  }

  static String rollupTo(String toDay) {
    return ROLLUP + toDay + "$";
  }

  static Item turnCost(String t, String userId, long createdAtMs, String turnId) {
    return Item.key(userPk(t, userId), turnCostSk(createdAtMs) + "#" + turnId);
  }

  private static String turnCostSk(long createdAtMs) {
    return String.format("TURNCOST#%013d", createdAtMs);
  }

  /** The range of sort keys of the turn totals of turns started in [from, to). */
  static String turnCostFrom(Instant from) {
    return turnCostSk(from.toEpochMilli());
  }

  static String turnCostBefore(Instant to) {
    return turnCostSk(to.toEpochMilli() - 1) + "$";
  }

  // tenant-usage: one partition per turn
  static String turnPk(String t, String turnId) {
    return tenant(t) + "#T#" + turnId;
  }

  static Item turn(String t, String turnId) {
    return Item.key(turnPk(t, turnId), "TURN");
  }

  static Item event(String t, String turnId, String eventId) {
    return Item.key(turnPk(t, turnId), "EVENT#" + eventId);
  }

  static Item trace(String t, String turnId, int seq) {
    return Item.key(turnPk(t, turnId), String.format("TRACE#%05d", seq));
  }

  /** Budgets, their monthly spend and their alerts: one small partition per tenant. */
  static String budgetPk(String t) {
    return tenant(t) + "#B";
  }

  static Item budget(String t, String scope) {
    return Item.key(budgetPk(t), "BUDGET#" + scope);
  }

  static Item spend(String t, String scope, String monthKey) {
    return Item.key(budgetPk(t), spendSk(monthKey, scope));
  }

  private static String spendSk(String monthKey, String scope) {
    return "SPEND#" + monthKey + "#" + scope;
  }

  /** The sort key prefix of a month's spend items of the scopes that start with {@code scopePrefix} (API keys: {@code key:}). */
  static String spendPrefix(String monthKey, String scopePrefix) {
    return spendSk(monthKey, scopePrefix);
  }

  static Item budgetAlert(String t, String scope, String monthKey, int threshold) {
    return Item.key(budgetPk(t), "ALERT#" + monthKey + "#" + scope + "#" + threshold);
  }

  static int shard(String s) {
    return Math.floorMod(s.hashCode(), SHARDS);
  }

  /** Partition of the events-by-day index: a tenant's day, sharded by user. */
  static String dayPk(String t, String day, int shard) {
    return tenant(t) + "#D#" + day + "#" + shard;
  }

  /** Partition of the running-turns index, set only while a turn runs. */
  static String runningShard(int shard) {
    return "R#" + shard;
  }
}
