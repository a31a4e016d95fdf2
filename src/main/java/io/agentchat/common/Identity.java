package io.agentchat.common;

import java.util.List;

/** Who is calling, as established by a verified token and nothing else. */
public record Identity(String tenantId, String userId, String email, String tier, boolean admin, List<String> groups) {

  public Identity {
    groups = List.copyOf(groups);
  }

  public String role() {
    return admin ? "admin" : "user";
  }

  /** Name of the Cognito-style group whose members administer a tenant. */
  public static String adminGroup(String tenantId) {
    return tenantId + "-admins";
  }
}
