package io.agentchat.audit;

import java.util.Arrays;
import java.util.Locale;

/** What an audit entry records. The snake_case name is what the log and its filter show. */
public enum AuditKind {
  SIGN_IN, SIGN_IN_FAILED, SIGNED_OUT_EVERYWHERE, JOINED, INVITE_CREATED, INVITE_REVOKED, ROLE_CHANGED, MEMBER_REMOVED,
  PASSWORD_CHANGED, PASSWORD_RESET, BUDGET_CHANGED, PLAN_CHANGED, SUSPENDED, RESUMED, EXPORTED, DELETED, API_KEY_CREATED,
  API_KEY_REVOKED, PROFILE_CHANGED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of a filter value, or null when it names none. */
  public static AuditKind of(String wire) {
    return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst().orElse(null);
  }
}
