package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The lines of a conversation, in the session's partition. A turn's question takes the session's next sequence number;
 * its reply takes the same number as the second part, so a conversation reads question, answer, question, answer even
 * when questions were queued while an earlier answer was still streaming.
 */
final class DynamoMessages extends DynamoPart {
  DynamoMessages(DynamoPart base) {
    super(base);
  }

  /** Where a question was written: its sequence number and the expiry its answer shares. */
  record Question(long seq, long ttl) {
  }

  /** Appends a turn's question, counting it (and titling the session with its first one); fails not_found without the session. */
  Future<Question> appendQuestion(String t, String sessionId, String turnId, String text, Instant at) {
    String update = "SET #next_seq = if_not_exists(#next_seq, :zero) + :one, #message_count = if_not_exists(#message_count, :zero) + :one, "
        + "#title = if_not_exists(#title, :title), #last_used_at = :at";
    return d.update(sessions, Keys.session(t, sessionId), update, "attribute_exists(#pk)", vals(":zero", 0, ":one", 1, ":title",
            SessionRecord.titleOf(text), ":at", at.toEpochMilli()), false)
        .recover(e -> Dynamo.conditionFailed(e) ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session.")) : Future.failedFuture(e))
        .compose(session -> {
          Question q = new Question(num(session, "next_seq"), num(session, "ttl"));
          Item message = Keys.message(t, sessionId, q.seq(), 0).s("turn_id", turnId).s("role", "user").s("text", text)
              .s("status", "completed").n("created_at", at).n("ttl", q.ttl());
          return d.put(sessions, message).map(q).recover(err -> removeQuestion(t, sessionId, q).transform(x -> Future.failedFuture(err)));
        });
  }

  /** Undo: takes a question back out of the conversation and its count. */
  Future<Void> removeQuestion(String t, String sessionId, Question q) {
    return d.undo("user message", Undo.delete(sessions, Keys.message(t, sessionId, q.seq(), 0), null))
        .compose(v -> d.undo("message count", Undo.add(sessions, Keys.session(t, sessionId), "message_count", -1)));
  }

  /** Appends the reply to its question (a conditional put, so written once); the session's count advances only when it is new. */
  Future<Void> appendReply(String t, String sessionId, String turnId, Question q, String text, String status, Instant at, String w) {
    Item message = Keys.message(t, sessionId, q.seq(), 1).s("turn_id", turnId).s("role", "assistant").s("text", text).s("status", status)
        .n("created_at", at).n("ttl", q.ttl()).s("w", w);
    return d.putNew(sessions, message).compose(created -> created
        ? d.update(sessions, Keys.session(t, sessionId), "ADD #message_count :one SET #last_used_at = :at", "attribute_exists(#pk)",
            vals(":one", 1, ":at", at.toEpochMilli()), false)
            .<Void>mapEmpty()
            .recover(e -> Dynamo.conditionFailed(e) ? Future.succeededFuture() : Future.failedFuture(e))
        : Future.succeededFuture());
  }

  /** The newest {@code max} lines still within their retention, in the order of the conversation. */
  Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    Instant now = claims.now();
    return d.prefix(sessions, Keys.sessionPk(tenantId, sessionId), "MSG#", false, max, i -> !Item.gone(i, now) && !Item.bool(i, "hidden")).map(items -> {
      List<MessageRecord> out = new ArrayList<>(items.size());
      for (int k = items.size() - 1; k >= 0; k--) {
        Map<String, AttributeValue> i = items.get(k);
        out.add(new MessageRecord(str(i, "turn_id"), str(i, "role"), str(i, "text"), str(i, "status"), time(i, "created_at")));
      }
      return out;
    });
  }
}
