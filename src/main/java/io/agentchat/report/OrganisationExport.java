package io.agentchat.report;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.AuditEntry;
import io.agentchat.store.RollupRow;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.Store;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * One organisation's data as a zip of JSON and CSV files, for its platform operators: the organisation, its members, their
 * chats with their messages, the daily usage rollups and the audit log of the last 13 months, and its API keys (never a
 * secret). The files are read from the store, then zipped off the event loop.
 */
record OrganisationExport(Vertx vertx, Store store, Clock clock) {
  /** The most chats of one member, and messages of one chat, an export holds. */
  static final int MAX_SESSIONS = 1000;
  static final int MAX_MESSAGES = 500;
  static final int MAX_AUDIT = 100_000;

  /** The zip's bytes. */
  Future<byte[]> export(String tenantId) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate from = today.minusMonths(13).withDayOfMonth(1);
    return store.identity().tenant(tenantId).compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such organisation."));
      }
      Future<List<UserRecord>> users = store.identity().users(tenantId);
      Future<List<RollupRow>> rollups = store.reports().rollups(tenantId, from.toString(), today.toString());
      Future<List<ApiKeyRecord>> keys = store.apiKeys().keys(tenantId);
      Future<List<AuditEntry>> audit = store.audit().entries(tenantId, from.atStartOfDay(ZoneOffset.UTC).toInstant(), now.plusSeconds(1), null,
          MAX_AUDIT);
      return Future.all(users, rollups, keys, audit).compose(cf -> conversations(tenantId, users.result()))
          .compose(chats -> vertx.executeBlocking(() -> zip(t.get(), users.result(), chats, rollups.result(), keys.result(), audit.result()), false));
    });
  }

  /** Every member's chats with their messages. */
  private Future<JsonArray> conversations(String tenantId, List<UserRecord> users) {
    List<Future<List<JsonObject>>> perUser = new ArrayList<>();
    for (UserRecord u : users) {
      perUser.add(store.sessions().sessions(tenantId, u.userId(), MAX_SESSIONS).compose(ss -> Future.all(ss.stream().map(s -> chat(s)).toList())
          .map(cf -> cf.<JsonObject>list())));
    }
    return Future.all(perUser).map(cf -> {
      JsonArray out = new JsonArray();
      perUser.forEach(f -> f.result().forEach(out::add));
      return out;
    });
  }

  private Future<JsonObject> chat(SessionRecord s) {
    return store.sessions().messages(s.tenantId(), s.sessionId(), MAX_MESSAGES).map(ms -> new JsonObject().put("session_id", s.sessionId())
        .put("user_id", s.userId()).put("title", s.title()).put("created_at", s.createdAt().toString())
        .put("messages", new JsonArray(ms.stream().map(m -> new JsonObject().put("turn_id", m.turnId()).put("role", m.role()).put("text", m.text())
            .put("status", m.status()).put("created_at", m.createdAt().toString())).toList())));
  }

  private static byte[] zip(TenantRecord t, List<UserRecord> users, JsonArray chats, List<RollupRow> rollups, List<ApiKeyRecord> keys,
                            List<AuditEntry> audit) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      file(zip, "organisation.json", new JsonObject().put("tenant_id", t.tenantId()).put("subscription_tier", t.tier())
          .put("status", t.suspended() ? "suspended" : "active").put("time_zone", t.timeZone()).put("created_at", t.createdAt().toString())
          .encodePrettily());
      file(zip, "members.csv", ReportBuilder.csv(List.of("user_id", "email", "role", "confirmed", "created_at"), users.stream()
          .map(u -> List.<Object>of(u.userId(), u.email(), u.role(), u.confirmed(), u.createdAt().toString())).toList()));
      file(zip, "conversations.json", chats.encodePrettily());
      file(zip, "usage-daily.csv", ReportBuilder.csv(List.of("day", "user_id", "service", "model", "input_tokens", "output_tokens", "invocations",
          "tool_actions", "cost_usd"), rollups.stream().map(r -> List.<Object>of(r.day(), r.userId(), r.service(), r.model(), r.inputTokens(),
          r.outputTokens(), r.invocations(), r.toolActions(), io.agentchat.metering.Pricing.usd(r.costNanos()).toPlainString())).toList()));
      file(zip, "api-keys.csv", ReportBuilder.csv(List.of("id", "name", "user_id", "created_at", "expires_at", "revoked_at", "last_used_at"), keys.stream()
          .map(k -> Stream.of(k.keyId(), k.name(), k.userId(), k.createdAt(), k.expiresAt(), k.revokedAt(), k.lastUsedAt())
              .map(v -> (Object) (v == null ? "" : v.toString())).toList()).toList()));
      file(zip, "audit.csv", ReportBuilder.csv(List.of("at", "kind", "actor_user_id", "actor_email", "target", "client_address", "detail"), audit.stream()
          .map(e -> Stream.of(e.at().toString(), e.kind(), e.actorUserId(), e.actorEmail(), e.target(), e.clientAddress(), e.detail())
              .map(v -> (Object) (v == null ? "" : v)).toList()).toList()));
    }
    return bytes.toByteArray();
  }

  private static void file(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }
}
