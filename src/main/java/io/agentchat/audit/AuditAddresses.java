package io.agentchat.audit;

/** Event-bus addresses of the audit log (node-local). */
public final class AuditAddresses {
  /** Appends an {@code AuditEntry} (replies once it is stored). */
  public static final String APPEND = "audit.append";
  /** A tenant's entries: {@code AuditQuery} -> {@code AuditPage}. */
  public static final String QUERY = "audit.query";

  private AuditAddresses() {
  }
}
