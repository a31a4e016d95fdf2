package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.bool;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.SearchHit;
import io.agentchat.store.SessionRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a user does with their chats beyond talking: rename, close, delete, hide a replaced turn, search. A search reads
 * the user's newest {@value #SEARCH_SESSIONS} chats and each one's newest {@value #SEARCH_MESSAGES} lines and filters them
 * here (DynamoDB has no text search).
 */
final class DynamoConversations extends DynamoPart {
  static final int SEARCH_SESSIONS = 200;
  static final int SEARCH_MESSAGES = 500;
  /** The newest lines a replaced turn's are looked for among (it is the latest turn, one newer question at the most after it). */
  private static final int HIDE_WINDOW = 20;
  private final DynamoSessions owner;

  DynamoConversations(DynamoSessions owner) {
    super(owner);
    this.owner = owner;
  }

  Future<Boolean> rename(String t, String sessionId, String title) {
    return d.update(sessions, Keys.session(t, sessionId), "SET #title = :title", "attribute_exists(#pk)", vals(":title", title), true)
        .map(i -> true)
        .recover(Dynamo::falseIfConditionFailed);
  }

  Future<Optional<SessionRecord>> close(String t, String sessionId, Instant at) {
    return owner.session(t, sessionId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<SessionRecord>empty());
      }
      SessionRecord s = found.get();
      Instant end = s.expiresAt().isBefore(at) ? s.expiresAt() : at;
      return d.update(sessions, Keys.session(t, sessionId), "SET #expires_at = :e, #closed_at = if_not_exists(#closed_at, :at)",
              "attribute_exists(#pk)", vals(":e", end.toEpochMilli(), ":at", at.toEpochMilli()), true)
          .compose(item -> owner.releaseSlot(s, 1).map(v -> Optional.of(DynamoSessions.toSession(item))));
    });
  }

  /** The session's partition (session, messages, owner), its list entry, its slot, then its turns' trace steps. */
  Future<Boolean> delete(String t, String sessionId) {
    return owner.session(t, sessionId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(false);
      }
      SessionRecord s = found.get();
      return d.partition(sessions, Keys.sessionPk(t, sessionId)).compose(items -> {
        Set<String> turnIds = new LinkedHashSet<>();
        items.stream().map(i -> str(i, "turn_id")).filter(id -> id != null).forEach(turnIds::add);
        List<Item> keys = new ArrayList<>(DynamoErasure.keysOf(items));
        keys.add(Keys.listing(t, s.userId(), s.createdAt().toEpochMilli(), sessionId));
        return d.batchWrite(sessions, List.of(), keys)
            .compose(v -> owner.releaseSlot(s, 1))
            .compose(v -> {
              Future<Void> chain = Future.succeededFuture();
              for (String turnId : turnIds) {
                chain = chain.compose(x -> d.prefix(usage, Keys.turnPk(t, turnId), "TRACE#")
                    .compose(traces -> d.batchWrite(usage, List.of(), DynamoErasure.keysOf(traces))));
              }
              return chain;
            })
            .map(true);
      });
    });
  }

  Future<Void> hide(String t, String sessionId, String turnId) {
    return d.prefix(sessions, Keys.sessionPk(t, sessionId), "MSG#", false, HIDE_WINDOW, i -> turnId.equals(str(i, "turn_id")))
        .compose(items -> {
          List<Future<Boolean>> all = new ArrayList<>();
          for (Map<String, AttributeValue> i : items) {
            all.add(d.update(sessions, Item.key(str(i, "pk"), str(i, "sk")), "SET #hidden = :h", "attribute_exists(#pk) AND attribute_not_exists(#hidden)",
                    vals(":h", true), true).map(x -> true)
                .recover(Dynamo::falseIfConditionFailed));
          }
          return Future.all(all).compose(cf -> {
            long hidden = all.stream().filter(Future::result).count();
            // hidden messages no longer count among the conversation's
            return hidden == 0 ? Future.<Void>succeededFuture() : d.update(sessions, Keys.session(t, sessionId), "ADD #message_count :n",
                "attribute_exists(#pk)", vals(":n", -hidden), false).<Void>mapEmpty().recover(e -> Dynamo.conditionFailed(e)
                ? Future.succeededFuture() : Future.failedFuture(e));
          });
        });
  }

  Future<List<SearchHit>> search(String t, String userId, String text, int max) {
    String needle = text.toLowerCase(Locale.ROOT);
    Instant now = claims.now();
    return owner.sessions(t, userId, SEARCH_SESSIONS).compose(chats -> {
      List<Future<SearchHit>> hits = new ArrayList<>();
      for (SessionRecord s : chats) {
        hits.add(d.prefix(sessions, Keys.sessionPk(t, s.sessionId()), "MSG#", false, SEARCH_MESSAGES, i -> !Item.gone(i, now) && !bool(i, "hidden"))
            .map(lines -> {
              String matched = lines.stream().map(i -> str(i, "text")).filter(x -> x != null && x.toLowerCase(Locale.ROOT).contains(needle))
                  .findFirst().orElse(null);
              boolean titled = s.title() != null && s.title().toLowerCase(Locale.ROOT).contains(needle);
              return matched != null || titled ? new SearchHit(s.sessionId(), s.title(), s.lastUsedAt(), matched) : null;
            }));
      }
      return Future.all(hits).map(cf -> hits.stream().map(Future::result).filter(h -> h != null).limit(max).toList());
    });
  }
}
