package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.TokenMark;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Users' revocation marks: the mark itself on the user item ({@code tokens_revoked_before}, moved forward only by a
 * conditional update), and a copy in a small index of recent marks of every tenant (directory table, one partition per UTC
 * day of the mark, {@code MARK#<yyyy-mm-dd>} / {@code <t>#<user>}), so that a node loads the marks of the last moments
 * with a Query per day instead of a Scan of users. Index items expire {@link #RETENTION} after their mark.
 */
final class DynamoMarks extends DynamoPart {
  /** How long the index keeps a mark: far longer than any ID token lives (a day at the most), so a mark a token could need is there. */
  static final Duration RETENTION = Duration.ofDays(7);

  DynamoMarks(DynamoPart base) {
    super(base);
  }

  static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  /**
   * Moves the user's mark forward to {@code at} (nothing when it is there or later, or the tenant has no such user), then
   * indexes the mark the user has now. Safe to repeat: a repeat finds the mark in place and indexes it again, so a call
   * that stopped between the two writes is completed by the next.
   */
  Future<Void> move(String tenantId, String userId, Instant at) {
    Item key = Keys.user(tenantId, userId);
    return d.update(identity, key, "SET #tokens_revoked_before = :at",
            "attribute_exists(#pk) AND (attribute_not_exists(#tokens_revoked_before) OR #tokens_revoked_before < :at)",
            vals(":at", at.toEpochMilli()), true)
        .map(Optional::of)
        .recover(t -> Dynamo.conditionFailed(t) ? d.get(identity, key) : Future.failedFuture(t))
        .compose(user -> {
          Instant mark = user.map(u -> time(u, "tokens_revoked_before")).orElse(null);
          return mark == null ? Future.succeededFuture() : index(tenantId, userId, mark);
        });
  }

  /** The index item of the mark's day, moved forward only (two moves of one user's mark may arrive in either order). */
  private Future<Void> index(String tenantId, String userId, Instant mark) {
    return d.update(directory, Keys.mark(day(mark), tenantId, userId),
            "SET #tenant_id = :t, #user_id = :u, #revoked_before = :at, #ttl = :ttl",
            "attribute_not_exists(#pk) OR #revoked_before < :at",
            vals(":t", tenantId, ":u", userId, ":at", mark.toEpochMilli(), ":ttl", mark.plus(RETENTION).getEpochSecond()), true)
        .<Void>mapEmpty()
        .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  /**
   * The marks at or after {@code since}: one Query per day from the day of {@code since} (at most {@link #RETENTION} back)
   * to tomorrow (marks set by a clock a little ahead), the latest mark of each user.
   */
  Future<List<TokenMark>> since(Instant since) {
    Instant now = claims.now();
    LocalDate first = day(since);
    LocalDate oldest = day(now.minus(RETENTION));
    if (first.isBefore(oldest)) {
      first = oldest;
    }
    List<Future<List<Map<String, AttributeValue>>>> days = new ArrayList<>();
    for (LocalDate day = first; !day.isAfter(day(now.plus(Duration.ofDays(1)))); day = day.plusDays(1)) {
      days.add(d.partition(directory, Keys.markPk(day)));
    }
    return Future.all(days).map(v -> {
      Map<String, TokenMark> latest = new LinkedHashMap<>();
      for (Future<List<Map<String, AttributeValue>>> day : days) {
        for (Map<String, AttributeValue> i : day.result()) {
          if (num(i, "revoked_before") >= since.toEpochMilli()) {
            TokenMark m = new TokenMark(str(i, "tenant_id"), str(i, "user_id"), time(i, "revoked_before"));
            latest.merge(m.tenantId() + "#" + m.userId(), m, (a, b) -> a.revokedBefore().isAfter(b.revokedBefore()) ? a : b);
          }
        }
      }
      return latest.values().stream().sorted(Comparator.comparing(TokenMark::revokedBefore).thenComparing(TokenMark::tenantId)
          .thenComparing(TokenMark::userId)).toList();
    });
  }
}
