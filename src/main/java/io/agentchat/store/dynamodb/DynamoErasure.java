package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Erasing an organisation without transactions: a sequence of steps each safe to repeat, the tenant item's
 * {@code erased_at} written last. The tenant is suspended first (it stops serving while the rest runs); then its invites,
 * each member's conversations (sessions with their messages and owner records, the member's session list and slots, the
 * trace steps of their turns) and identity (e-mail claim deleted, address replaced, password and codes removed, role
 * removed, refresh generation bumped, mark moved) and its API keys (revoked) are dealt with; last the conditional
 * {@code SET erased_at} if {@code attribute_not_exists(erased_at)}. A call that stops part-way leaves the tenant without
 * {@code erased_at}, so the next call runs every step again and finishes; a call that finds {@code erased_at} answers false
 * at once (every step was done before it was written). The turns, usage events, counters, rollups, turn totals, budgets,
 * spend items and the audit log are not touched.
 */
final class DynamoErasure extends DynamoPart {
  /** The domain that replaces an erased member's address: reserved (RFC 2606), so it never reaches a mailbox. */
  static final String ERASED_DOMAIN = "@erased.invalid";
  private final DynamoMarks marks;

  DynamoErasure(DynamoPart base, DynamoMarks marks) {
    super(base);
    this.marks = marks;
  }

  Future<Boolean> erase(String tenantId, Instant at) {
    Item tenantKey = Keys.tenantItem(tenantId);
    return d.get(identity, tenantKey).compose(found -> {
      if (found.isEmpty() || found.get().containsKey("erased_at")) {
        return Future.succeededFuture(false);
      }
      String w = Claims.token();
      return d.update(identity, tenantKey, "SET #suspended = :yes", "attribute_exists(#pk)", vals(":yes", true), true)
          .compose(v -> invites(tenantId))
          .compose(v -> d.prefix(identity, Keys.tenant(tenantId), "USER#"))
          .compose(users -> each(users, u -> member(tenantId, u, at)))
          .compose(v -> apiKeys(tenantId, at))
          .compose(v -> d.update(identity, tenantKey, "SET #erased_at = :at, #erased_w = :w, #suspended = :yes",
              "attribute_exists(#pk) AND attribute_not_exists(#erased_at)", vals(":at", at.toEpochMilli(), ":w", w, ":yes", true), true))
          .map(i -> true)
          .recover(t -> Dynamo.conditionFailed(t)
              // erased meanwhile: by this call (an attempt whose answer was lost) or by another
              ? d.get(identity, tenantKey).map(o -> o.isPresent() && w.equals(str(o.get(), "erased_w")))
              : Future.failedFuture(t));
    });
  }

  private Future<Void> invites(String tenantId) {
    return d.prefix(identity, Keys.tenant(tenantId), "INVITE#").compose(items -> d.batchWrite(identity, List.of(), keysOf(items)));
  }

  /** Conversations first, then the identity: the e-mail claim is deleted before the user item loses the address it names. */
  private Future<Void> member(String tenantId, Map<String, AttributeValue> user, Instant at) {
    String userId = str(user, "user_id");
    return conversations(tenantId, userId).compose(v -> anonymise(tenantId, user, at));
  }

  /**
   * The member's sessions, found by their list entries and their slots (a creation that stopped part-way may have left
   * either alone): each session's partition (session, messages, owner) deleted, then the list entries and the slots; then
   * the trace steps of their turns, found by the turn ids of the messages and of the member's turn totals (kept).
   */
  private Future<Void> conversations(String tenantId, String userId) {
    String userPk = Keys.userPk(tenantId, userId);
    Future<List<Map<String, AttributeValue>>> listing = d.prefix(sessions, userPk, "SESSION#");
    Future<Optional<Map<String, AttributeValue>>> slots = d.get(sessions, Keys.slots(tenantId, userId));
    Future<List<Map<String, AttributeValue>>> turnCosts = d.prefix(usage, userPk, "TURNCOST#");
    return Future.all(listing, slots, turnCosts).compose(cf -> {
      Set<String> sessionIds = new LinkedHashSet<>();
      listing.result().forEach(i -> sessionIds.add(str(i, "session_id")));
      SessionSlots.from(slots.result()).all().forEach(s -> sessionIds.add(s.sessionId()));
      Set<String> turnIds = new LinkedHashSet<>();
      turnCosts.result().forEach(i -> turnIds.add(str(i, "turn_id")));
      return each(new ArrayList<>(sessionIds), sessionId -> d.partition(sessions, Keys.sessionPk(tenantId, sessionId)).compose(items -> {
            items.stream().map(i -> str(i, "turn_id")).filter(id -> id != null).forEach(turnIds::add);
            return d.batchWrite(sessions, List.of(), keysOf(items));
          }))
          .compose(v -> {
            List<Item> rest = new ArrayList<>(keysOf(listing.result()));
            slots.result().ifPresent(i -> rest.add(Keys.slots(tenantId, userId)));
            return d.batchWrite(sessions, List.of(), rest);
          })
          .compose(v -> each(new ArrayList<>(turnIds), turnId -> d.prefix(usage, Keys.turnPk(tenantId, turnId), "TRACE#")
              .compose(items -> d.batchWrite(usage, List.of(), keysOf(items)))));
    });
  }

  /**
   * The e-mail claim of the member's address, if it is still theirs (a new account may have claimed the freed address
   * since a call that stopped part-way); then one update of the user item: address replaced, password and codes gone, role
   * removed (the time of an earlier removal kept), the refresh generation one higher; then the mark moved to {@code at}.
   */
  private Future<Void> anonymise(String tenantId, Map<String, AttributeValue> user, Instant at) {
    String userId = str(user, "user_id");
    String email = str(user, "email");
    String erased = userId + ERASED_DOMAIN;
    Future<Boolean> claim = email == null || email.equals(erased) ? Future.succeededFuture(false)
        : d.deleteIf(directory, Keys.email(email), "#tenant_id = :t AND #user_id = :u", vals(":t", tenantId, ":u", userId));
    return claim
        .compose(x -> d.update(identity, Keys.user(tenantId, userId),
            "SET #email = :e, #password_hash = :empty, #role = :removed, #removed_at = if_not_exists(#removed_at, :at) "
                + "REMOVE #confirm_code, #reset_code_hash, #reset_expires_at, #display_name ADD #refresh_gen :one",
            "attribute_exists(#pk)", vals(":e", erased, ":empty", "", ":removed", UserRecord.REMOVED, ":at", at.toEpochMilli(), ":one", 1), true)
            .<Void>mapEmpty()
            .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t)))
        .compose(v -> marks.move(tenantId, userId, at));
  }

  /** Every key not revoked yet gets {@code revoked_at}; one revoked before keeps its time. */
  private Future<Void> apiKeys(String tenantId, Instant at) {
    return d.prefix(identity, Keys.tenant(tenantId), Keys.API_KEY).compose(items -> each(items.stream()
        .filter(i -> !i.containsKey("revoked_at")).toList(), i -> d.update(identity, Item.key(str(i, "pk"), str(i, "sk")),
            "SET #revoked_at = :at", "attribute_exists(#pk) AND attribute_not_exists(#revoked_at)", vals(":at", at.toEpochMilli()), true)
        .<Void>mapEmpty()
        .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t))));
  }

  static List<Item> keysOf(List<Map<String, AttributeValue>> items) {
    return items.stream().map(i -> Item.key(str(i, "pk"), str(i, "sk"))).toList();
  }

  /** One after another, so that a large organisation's erasure never floods the tables. */
  private static <T> Future<Void> each(List<T> all, Function<T, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T x : all) {
      chain = chain.compose(v -> step.apply(x));
    }
    return chain;
  }
}
