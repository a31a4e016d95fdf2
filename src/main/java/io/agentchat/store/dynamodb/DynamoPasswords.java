package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Instant;

/** Members' password hashes and password-reset codes, on the user items of the identity table. */
final class DynamoPasswords extends DynamoPart {
  DynamoPasswords(DynamoPart base) {
    super(base);
  }

  Future<Boolean> setPassword(String tenantId, String userId, String passwordHash) {
    return d.update(identity, Keys.user(tenantId, userId), "SET #password_hash = :h", "attribute_exists(#pk) AND #role <> :removed",
        vals(":h", passwordHash, ":removed", UserRecord.REMOVED), true).map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  Future<Void> saveResetCode(String tenantId, String userId, String codeHash, Instant expiresAt) {
    return d.update(identity, Keys.user(tenantId, userId), "SET #reset_code_hash = :c, #reset_expires_at = :e", "attribute_exists(#pk)",
        vals(":c", codeHash, ":e", expiresAt.toEpochMilli()), true).mapEmpty();
  }

  /** One conditional update takes the code, so two uses of it never both succeed. */
  Future<Boolean> takeResetCode(String tenantId, String userId, String codeHash, Instant now) {
    return d.update(identity, Keys.user(tenantId, userId), "REMOVE #reset_code_hash, #reset_expires_at",
        "#reset_code_hash = :c AND #reset_expires_at > :now", vals(":c", codeHash, ":now", now.toEpochMilli()), true)
        .map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  /**
   * Three steps, each safe to repeat: one conditional update of the user item ({@code role <> removed}) sets the role, the
   * removal's time and write token, and the next refresh token generation (every refresh token of theirs is revoked by
   * it); then the mark moves forward to the removal's time and is indexed ({@link DynamoMarks#move}). A call that finds the
   * member removed already answers false but still takes the mark to the removal's time, so a caller that retries a removal
   * whose later step failed completes it; an attempt whose answer was lost recognises its own removal by its token.
   */
}
