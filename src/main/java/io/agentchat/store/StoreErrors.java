package io.agentchat.store;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;

/** The failures every store adapter reports in the same words, so clients see the same thing whatever the store. */
public final class StoreErrors {
  private StoreErrors() {
  }

  /** An organisation id that cannot be created: said the same whether it is taken or reserved. */
  public static AppException tenantExists(String tenantId) {
    return ErrorCode.TENANT_UNAVAILABLE.exception("This organisation id is not available; choose another, or use your invite link to join "
        + "an existing organisation.");
  }

  public static AppException userExists() {
    return ErrorCode.USER_EXISTS.exception("An account with this e-mail address already exists.");
  }

  public static AppException invalidInvite(String tenantId) {
    return ErrorCode.INVALID_INVITE.exception("This invite code is not valid for organisation \"" + tenantId + "\" (wrong, used or expired).");
  }

  public static AppException sessionLimit(int limit) {
    return ErrorCode.SESSION_LIMIT.exception("Your plan allows " + limit + " open chat session" + (limit == 1 ? "" : "s")
        + " at a time; wait for one to expire or ask your admin about a higher tier.");
  }

  public static AppException sessionIdTaken() {
    return ErrorCode.INVALID_REQUEST.exception("A session with this id already exists.");
  }

  public static AppException turnIdTaken() {
    return ErrorCode.INVALID_REQUEST.exception("This turn id is already in use.");
  }

  public static AppException keyIdTaken() {
    return ErrorCode.INVALID_REQUEST.exception("This API key id is already in use.");
  }

  public static AppException unknownTurn() {
    return ErrorCode.NOT_FOUND.exception("Unknown turn.");
  }
}
