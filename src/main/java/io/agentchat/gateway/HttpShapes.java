package io.agentchat.gateway;

import io.agentchat.apikey.ApiKeyMessages.CreatedKey;
import io.agentchat.apikey.ApiKeyMessages.KeyList;
import io.agentchat.apikey.ApiKeyMessages.KeyView;
import io.agentchat.auth.AuthMessages.AdminTenant;
import io.agentchat.auth.AuthMessages.GroupChange;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.InviteList;
import io.agentchat.auth.AuthMessages.MemberChange;
import io.agentchat.auth.AuthMessages.MemberList;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.metering.MeteringMessages.BudgetList;
import io.agentchat.metering.MeteringMessages.UsageReport;
import io.agentchat.metering.Pricing;
import io.agentchat.session.SessionMessages.MessageList;
import io.agentchat.session.SessionMessages.SessionList;
import io.agentchat.session.SessionMessages.TraceList;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON bodies of the HTTP API's answers, as the contract names their fields. */
final class HttpShapes {
  private HttpShapes() {
  }

  static JsonObject tokens(Tokens t) {
    return new JsonObject().put("id_token", t.idToken()).put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
        .put("expires_in", t.expiresIn()).put("token_type", "Bearer");
  }

  static JsonObject signup(SignupResult r) {
    return new JsonObject().put("user_id", r.userId()).put("confirmation_required", r.confirmationRequired())
        .put("tenant_created", r.tenantCreated());
  }

  static JsonObject invite(Invite i) {
    return new JsonObject().put("invite_code", i.code()).put("expires_at", i.expiresAt().toString());
  }

  /** A new invite with the link that carries the organisation and the code: the joiner types only e-mail and password. */
  static JsonObject invite(Invite i, String tenantId) {
    return invite(i).put("tenant_id", tenantId).put("join_path", joinPath(tenantId, i.code()));
  }

  static String joinPath(String tenantId, String code) {
    return "/?join=" + tenantId + "&invite=" + java.net.URLEncoder.encode(code, java.nio.charset.StandardCharsets.UTF_8);
  }

  static JsonObject invites(InviteList l, String tenantId, Instant now) {
    return new JsonObject().put("invites", new JsonArray(l.invites().stream().map(i -> new JsonObject().put("invite_code", i.code())
        .put("created_by", i.createdBy()).put("expires_at", i.expiresAt().toString()).put("used_by", i.usedBy())
        .put("used_at", i.usedAt() == null ? null : i.usedAt().toString())
        .put("status", i.usedBy() != null ? "used" : i.pending(now) ? "pending" : "expired")
        .put("join_path", i.pending(now) ? joinPath(tenantId, i.code()) : null)).toList()));
  }

  static JsonObject session(SessionRecord s, Instant now) {
    return new JsonObject()
        .put("session_id", s.sessionId())
        .put("session_key", Ids.sessionKey(s.tenantId(), s.tier(), s.userId(), s.sessionId()))
        .put("created_at", s.createdAt().toString())
        .put("expires_at", s.expiresAt().toString())
        .put("expired", s.expired(now))
        .put("title", s.title())
        .put("message_count", s.messageCount())
        .put("last_used_at", s.lastUsedAt().toString())
        .put("status", s.status(now))
        .put("closed_at", s.closedAt() == null ? null : s.closedAt().toString());
  }

  static JsonObject searchResults(io.agentchat.session.SessionMessages.SearchResults r) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < r.hits().size(); i++) {
      io.agentchat.store.SearchHit h = r.hits().get(i);
      out.add(new JsonObject().put("session_id", h.sessionId()).put("title", h.title()).put("last_used_at", h.lastUsedAt().toString())
          .put("snippet", r.snippets().get(i)));
    }
    return new JsonObject().put("results", out);
  }

  static JsonObject sessions(SessionList l, Instant now) {
    return new JsonObject().put("sessions", new JsonArray(l.sessions().stream().map(s -> session(s, now)).toList()));
  }

  static JsonObject messages(MessageList l) {
    return new JsonObject().put("session_id", l.sessionId())
        .put("messages", new JsonArray(l.messages().stream().map(m -> message(m, l.details())).toList()));
  }

  /** A line of the conversation; an answer with what its live view showed: usage, cost and trace steps. */
  private static JsonObject message(MessageRecord m, java.util.Map<String, io.agentchat.session.SessionMessages.TurnDetail> details) {
    JsonObject out = new JsonObject().put("turn_id", m.turnId()).put("role", m.role()).put("text", m.text()).put("status", m.status())
        .put("created_at", m.createdAt().toString());
    io.agentchat.session.SessionMessages.TurnDetail d = m.role().equals("assistant") ? details.get(m.turnId()) : null;
    if (d != null) {
      out.put("usage", new JsonObject().put("input_tokens", d.totals().inputTokens()).put("output_tokens", d.totals().outputTokens())
          .put("estimated", d.estimated()))
          .put("cost_usd", Pricing.usd(d.totals().costNanos())).put("steps", new JsonArray(d.steps()));
    }
    return out;
  }

  static JsonObject trace(TraceList t) {
    return new JsonObject().put("turn_id", t.turnId()).put("session_id", t.sessionId()).put("status", t.status())
        .put("steps", new JsonArray(t.steps()));
  }

  static JsonObject turn(TurnResult r) {
    return new JsonObject().put("session_id", r.sessionId()).put("turn_id", r.turnId()).put("status", r.status()).put("reply", r.reply())
        .put("usage", r.usage().toJson()).put("cost_usd", Pricing.usd(r.costNanos())).put("duplicate", r.duplicate());
  }

  /** The bridge's answer to {@code chat.send}. */
  static JsonObject accepted(TurnAccepted a) {
    return new JsonObject().put("accepted", true).put("turn_id", a.turnId()).put("session_id", a.sessionId()).put("duplicate", a.duplicate());
  }

  static JsonObject usage(Identity id, UsageReport u) {
    return ClientFrames.quotaCounters(u.quota()).put("tenant_id", id.tenantId()).put("user_id", id.userId()).put("tier", id.tier())
        .put("month", new JsonObject().put("month", u.month()).put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens())
            .put("cost_usd", Pricing.usd(u.costNanos())));
  }

  static JsonObject members(MemberList l) {
    return new JsonObject().put("members", new JsonArray(l.members().stream().map(u -> new JsonObject()
        .put("user_id", u.userId()).put("email", u.email()).put("display_name", u.displayName()).put("role", u.role()).put("confirmed", u.confirmed())
        .put("status", "removed".equals(u.role()) ? "removed" : u.confirmed() ? "active" : "unconfirmed")
        .put("messages_this_month", u.monthMessages()).put("cost_this_month_usd", Pricing.usd(u.monthCostNanos()))
        .put("last_active_at", u.lastActiveAt() == null ? null : u.lastActiveAt().toString())
        .put("created_at", u.createdAt().toString())).toList()));
  }

  static JsonObject profile(io.agentchat.auth.AuthMessages.Profile p) {
    return new JsonObject().put("user_id", p.userId()).put("email", p.email()).put("display_name", p.displayName())
        .put("tenant_id", p.tenantId()).put("role", p.role());
  }

  static JsonObject adminTenants(AdminTenant t) {
    return new JsonObject().put("tenants", new JsonArray().add(new JsonObject().put("tenant_id", t.tenantId()).put("tier", t.tier())
        .put("role", "admin").put("admin_group", Identity.adminGroup(t.tenantId())).put("admin_reports", t.adminReports())));
  }

  static JsonObject organisations(io.agentchat.auth.AuthMessages.OrganisationList l) {
    return new JsonObject().put("month", l.month()).put("tenants", new JsonArray(l.organisations().stream().map(o -> new JsonObject()
        .put("tenant_id", o.tenant().tenantId()).put("subscription_tier", o.tenant().tier())
        .put("status", o.tenant().erased() ? "erased" : o.tenant().suspended() ? "suspended" : "active").put("members", o.members())
        .put("spent_usd", Pricing.usd(o.spentNanos())).put("created_at", o.tenant().createdAt().toString())).toList()));
  }

  static JsonObject tenantStatus(io.agentchat.auth.AuthMessages.TenantStatus t) {
    return new JsonObject().put("tenant_id", t.tenantId()).put("subscription_tier", t.tier()).put("status", t.suspended() ? "suspended" : "active");
  }

  static JsonObject memberChange(MemberChange c) {
    return new JsonObject().put("user_id", c.userId()).put("role", c.role()).put("status", "removed".equals(c.role()) ? "removed" : "active")
        .put("changed", c.changed());
  }

  static JsonObject groupChange(GroupChange g) {
    return new JsonObject().put("user_id", g.userId()).put("group", g.group()).put("added", g.added());
  }

  /** An API key as its tenant's admins see it (never its secret). */
  static JsonObject key(KeyView v) {
    ApiKeyRecord k = v.key();
    return new JsonObject().put("id", k.keyId()).put("name", k.name()).put("prefix", v.prefix()).put("user_id", k.userId())
        .put("email", v.serviceAccount() ? null : v.ownerEmail()).put("service_account", v.serviceAccountName())
        .put("created_at", k.createdAt().toString()).put("created_by", k.createdBy())
        .put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString())
        .put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString())
        .put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString())
        .put("monthly_usd", v.limitNanos() == null ? null : Pricing.usd(v.limitNanos())).put("spent_usd", Pricing.usd(v.spentNanos()))
        .put("requests_per_minute", k.requestsPerMinute() == 0 ? null : k.requestsPerMinute()).put("status", v.status());
  }

  /** A new key: its view and, this once, the key itself. */
  static JsonObject createdKey(CreatedKey c) {
    return key(c.view()).put("key", c.secret());
  }

  static JsonObject keys(KeyList l) {
    return new JsonObject().put("month", l.month()).put("api_keys", new JsonArray(l.keys().stream().map(HttpShapes::key).toList()));
  }

  static JsonObject budgets(BudgetList l) {
    JsonObject out = new JsonObject().put("month", l.month()).put("budgets", new JsonArray(l.budgets().stream().map(b -> new JsonObject()
        .put("scope", b.tenantWide() ? "tenant" : "user").put("user_id", b.tenantWide() ? null : b.scope())
        .put("monthly_usd", Pricing.usd(b.limitNanos())).put("spent_usd", Pricing.usd(b.spentNanos()))
        .put("reserved_usd", Pricing.usd(b.reservedNanos()))
        .put("percent", b.limitNanos() == 0 ? 100 : Math.round(b.spentNanos() * 1000.0 / b.limitNanos()) / 10.0)).toList()))
        .put("tenant_spent_usd", Pricing.usd(l.tenantSpentNanos()));
    return l.warning() == null ? out : out.put("warning", l.warning());
  }
}
