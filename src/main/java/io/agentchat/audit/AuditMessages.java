package io.agentchat.audit;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.agentchat.store.AuditEntry;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;

/** Messages of the audit log. */
public final class AuditMessages {
  private AuditMessages() {
  }

  /** A tenant admin's (or an operator's) read of the tenant's log: [from, to), one kind or all (null). */
  public record AuditQuery(Identity identity, String tenantId, Instant from, Instant to, String kind) {
  }

  /** Entries newest first; {@code truncated} when more matched than one page holds. */
  public record AuditPage(List<AuditEntry> entries, boolean truncated) {
    public AuditPage {
      entries = List.copyOf(entries);
    }
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {AuditEntry.class, AuditQuery.class, AuditPage.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
