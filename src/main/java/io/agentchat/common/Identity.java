package io.agentchat.common;

import java.util.List;

/**
 * Who is calling, as established by a verified token or a verified API key and nothing else. {@code apiKeyId} is the key
 * a program called with (it then acts as the key's owner, {@code userId}); null for ID tokens.
 */
public record Identity(String tenantId, String userId, String email, String tier, boolean admin, List<String> groups, String apiKeyId) {

  public Identity {
    groups = List.copyOf(groups);
  }

  /** The caller of an ID token. */
  public Identity(String tenantId, String userId, String email, String tier, boolean admin, List<String> groups) {
    this(tenantId, userId, email, tier, admin, groups, null);
  }

  /** The same caller under the organisation's current plan. */
  public Identity withTier(String current) {
    return current == null || current.equals(tier) ? this : new Identity(tenantId, userId, email, current, admin, groups, apiKeyId);
  }

  /** A platform operator: a member of {@code operatorGroup} signed in with a token (never through an API key). */
  public boolean operator(String operatorGroup) {
    return apiKeyId == null && groups.contains(operatorGroup);
  }

  public String role() {
    return admin ? "admin" : "user";
  }

  /** Name of the Cognito-style group whose members administer a tenant. */
  public static String adminGroup(String tenantId) {
    return tenantId + "-admins";
  }
}
