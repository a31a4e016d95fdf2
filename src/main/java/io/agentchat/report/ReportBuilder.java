package io.agentchat.report;

import io.agentchat.metering.Pricing;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.Report;
import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.KeyTotals;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds every cost report from daily rollups (never from raw events). Sums are kept in nano-dollars and turned into
 * decimal USD only in the output, so JSON and CSV carry the same exact numbers.
 */
public record ReportBuilder(String tenantId, LocalDate from, LocalDate to, String granularity, List<RollupRow> rows,
                            Map<String, String> emails) {
  public static final List<String> SERVICES = List.of(Pricing.BEDROCK_MODELS, Pricing.AGENT_RUNTIME, Pricing.TOOLS, Pricing.STORAGE);

  /** Sums of one group of rollups. */
  static final class Totals {
    long input;
    long output;
    long invocations;
    long tools;
    long cost;
    final Map<String, Long> byService = new LinkedHashMap<>();

    Totals() {
      SERVICES.forEach(s -> byService.put(s, 0L));
    }

    void add(RollupRow r) {
      input += r.inputTokens();
      output += r.outputTokens();
      invocations += r.invocations();
      tools += r.toolActions();
      cost += r.costNanos();
      byService.merge(r.service(), r.costNanos(), Long::sum);
    }

    JsonObject services() {
      JsonObject o = new JsonObject();
      byService.forEach((k, v) -> o.put(k, Pricing.usd(v)));
      return o;
    }

    JsonObject json() {
      return new JsonObject().put("cost_usd", Pricing.usd(cost)).put("input_tokens", input).put("output_tokens", output)
          .put("turns", invocations).put("tool_actions", tools).put("services", services());
    }
  }


  private JsonObject header(Kind kind) {
    return new JsonObject().put("report", kind.name().toLowerCase().replace('_', '-')).put("tenant_id", tenantId)
        .put("from", from.toString()).put("to", to.toString()).put("currency", "USD");
  }

  private Totals total(List<RollupRow> rs) {
    Totals t = new Totals();
    rs.forEach(t::add);
    return t;
  }

  private <K> Map<K, Totals> group(List<RollupRow> rs, Function<RollupRow, K> key, Map<K, Totals> into) {
    for (RollupRow r : rs) {
      into.computeIfAbsent(key.apply(r), k -> new Totals()).add(r);
    }
    return into;
  }

  private List<RollupRow> ofUser(String userId) {
    return rows.stream().filter(r -> r.userId().equals(userId)).toList();
  }

  String period(String day) {
    LocalDate d = LocalDate.parse(day);
    return switch (granularity) {
      case "week" -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
      case "month" -> day.substring(0, 7);
      default -> day;
    };
  }

  private static List<Object> serviceRow(String label, Totals t) {
    List<Object> row = new ArrayList<>();
    row.add(label);
    SERVICES.forEach(s -> row.add(Pricing.usd(t.byService.get(s)).toPlainString()));
    row.add(Pricing.usd(t.cost).toPlainString());
    return row;
  }

  private static List<String> serviceColumns(String first) {
    List<String> cols = new ArrayList<>();
    cols.add(first);
    SERVICES.forEach(s -> cols.add(s + "_usd"));
    cols.add("total_usd");
    return cols;
  }

  /** Overall: the total and each service. */
  public Report overall(Kind kind, List<RollupRow> rs, String scopeUser) {
    Totals t = total(rs);
    JsonObject json = header(kind).put("total_usd", Pricing.usd(t.cost)).put("services", t.services())
        .put("input_tokens", t.input).put("output_tokens", t.output).put("turns", t.invocations).put("tool_actions", t.tools);
    if (scopeUser != null) {
      json.put("user_id", scopeUser).put("email", emails.get(scopeUser));
    }
    return new Report(json, serviceColumns("scope"), List.of(serviceRow(scopeUser == null ? tenantId : scopeUser, t)));
  }

  public Report perUser(Kind kind) {
    JsonArray users = new JsonArray();
    List<List<Object>> table = new ArrayList<>();
    for (Map.Entry<String, Totals> e : byCost(group(rows, RollupRow::userId, new TreeMap<>())).entrySet()) {
      Totals t = e.getValue();
      users.add(t.json().put("user_id", e.getKey()).put("email", emails.get(e.getKey())));
      table.add(List.of(e.getKey(), String.valueOf(emails.getOrDefault(e.getKey(), "")), Pricing.usd(t.cost).toPlainString(), t.input, t.output,
          t.invocations, t.tools));
    }
    return new Report(header(kind).put("total_usd", Pricing.usd(total(rows).cost)).put("users", users),
        List.of("user_id", "email", "cost_usd", "input_tokens", "output_tokens", "turns", "tool_actions"), table);
  }

  public Report trend(Kind kind) {
    Map<String, Totals> byPeriod = group(rows, r -> period(r.day()), new TreeMap<>());
    JsonArray series = new JsonArray();
    List<List<Object>> table = new ArrayList<>();
    byPeriod.forEach((p, t) -> {
      series.add(t.services().put("period", p).put("total_usd", Pricing.usd(t.cost)));
      table.add(serviceRow(p, t));
    });
    return new Report(header(kind).put("granularity", granularity).put("series", series), serviceColumns("period"), table);
  }

  public Report comprehensive(Kind kind, List<TurnCost> topTurns) {
    return comprehensive(kind, topTurns, Keys.NONE);
  }

  public Report comprehensive(Kind kind, List<TurnCost> topTurns, Keys keys) {
    Totals all = total(rows);
    List<List<Object>> table = new ArrayList<>();
    List<String> cols = List.of("section", "key", "label", "input_tokens", "output_tokens", "turns", "cost_usd");
    table.add(List.of("total", tenantId, "", all.input, all.output, all.invocations, Pricing.usd(all.cost).toPlainString()));
    all.byService.forEach((s, c) -> table.add(List.of("service", s, "", "", "", "", Pricing.usd(c).toPlainString())));

    JsonArray users = new JsonArray();
    group(rows, RollupRow::userId, new TreeMap<>()).forEach((u, t) -> {
      users.add(t.json().put("user_id", u).put("email", emails.get(u)));
      table.add(List.of("user", u, String.valueOf(emails.getOrDefault(u, "")), t.input, t.output, t.invocations, Pricing.usd(t.cost).toPlainString()));
    });
    JsonArray models = new JsonArray();
    byCost(group(rows.stream().filter(r -> r.service().equals(Pricing.BEDROCK_MODELS)).toList(), RollupRow::model, new TreeMap<>())).forEach((m, t) -> {
      models.add(new JsonObject().put("model", m).put("input_tokens", t.input).put("output_tokens", t.output).put("cost_usd", Pricing.usd(t.cost)));
      table.add(List.of("model", m, "", t.input, t.output, "", Pricing.usd(t.cost).toPlainString()));
    });
    JsonArray tools = new JsonArray();
    group(rows.stream().filter(r -> r.service().equals(Pricing.TOOLS)).toList(), RollupRow::model, new TreeMap<>()).forEach((m, t) -> {
      tools.add(new JsonObject().put("tool", m).put("actions", t.tools).put("cost_usd", Pricing.usd(t.cost)));
      table.add(List.of("tool", m, "", "", "", t.tools, Pricing.usd(t.cost).toPlainString()));
    });
    JsonArray daily = new JsonArray();
    group(rows, RollupRow::day, new TreeMap<>()).forEach((d, t) -> {
      daily.add(t.services().put("day", d).put("total_usd", Pricing.usd(t.cost)).put("input_tokens", t.input).put("output_tokens", t.output));
      table.add(List.of("day", d, "", t.input, t.output, t.invocations, Pricing.usd(t.cost).toPlainString()));
    });
    JsonArray turns = new JsonArray();
    for (TurnCost tc : topTurns) {
      String trace = "/api/tenants/" + tenantId + "/turns/" + tc.turnId() + "/trace";
      turns.add(new JsonObject().put("turn_id", tc.turnId()).put("user_id", tc.userId()).put("session_id", tc.sessionId())
          .put("status", tc.status()).put("created_at", tc.createdAt().toString()).put("input_tokens", tc.inputTokens())
          .put("output_tokens", tc.outputTokens()).put("cost_usd", Pricing.usd(tc.costNanos())).put("trace_url", trace));
      table.add(List.of("turn", tc.turnId(), tc.userId(), tc.inputTokens(), tc.outputTokens(), 1, Pricing.usd(tc.costNanos()).toPlainString()));
    }
    JsonObject json = header(kind).put("totals", all.json()).put("services", all.services()).put("users", users).put("models", models)
        .put("tools", tools).put("daily", daily).put("top_turns", turns).put("api_keys", keyRows(keys));
    for (Object o : json.getJsonArray("api_keys")) {
      JsonObject k = (JsonObject) o;
      table.add(List.of("api_key", k.getString("api_key_id"), String.valueOf(k.getString("name", "")), k.getLong("input_tokens"),
          k.getLong("output_tokens"), k.getLong("turns"), k.getValue("cost_usd").toString()));
    }
    return new Report(json, cols, table);
  }

  /** Most expensive first (ties by name). */
  private static <K> Map<K, Totals> byCost(Map<K, Totals> m) {
    Map<K, Totals> out = new LinkedHashMap<>();
    m.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().cost, a.getValue().cost)).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** What the tenant's API keys used in the period, and the keys (for their names and owners). */
  public record Keys(List<KeyTotals> totals, List<ApiKeyRecord> keys) {
    public Keys {
      totals = List.copyOf(totals);
      keys = List.copyOf(keys);
    }

    static final Keys NONE = new Keys(List.of(), List.of());
  }

  /** Per API key: its turns, tokens and cost in the period, most expensive first. */
  public Report perKey(Kind kind, Keys keys) {
    JsonArray out = keyRows(keys);
    List<List<Object>> table = new ArrayList<>();
    for (Object o : out) {
      JsonObject k = (JsonObject) o;
      table.add(List.of(k.getString("api_key_id"), k.getString("name"), k.getString("user_id"), String.valueOf(k.getString("email", "")),
          k.getValue("cost_usd").toString(), k.getLong("input_tokens"), k.getLong("output_tokens"), k.getLong("turns")));
    }
    return new Report(header(kind).put("total_usd", Pricing.usd(keys.totals().stream().mapToLong(KeyTotals::costNanos).sum()))
        .put("api_keys", out), List.of("api_key_id", "name", "user_id", "email", "cost_usd", "input_tokens", "output_tokens", "turns"), table);
  }

  private JsonArray keyRows(Keys keys) {
    Map<String, ApiKeyRecord> byId = new HashMap<>();
    keys.keys().forEach(k -> byId.put(k.keyId(), k));
    JsonArray out = new JsonArray();
    keys.totals().stream().sorted((a, b) -> a.costNanos() != b.costNanos() ? Long.compare(b.costNanos(), a.costNanos()) : a.keyId().compareTo(b.keyId()))
        .forEach(t -> {
          ApiKeyRecord k = byId.get(t.keyId());
          String owner = k == null ? null : k.userId();
          out.add(new JsonObject().put("api_key_id", t.keyId()).put("name", k == null ? null : k.name()).put("user_id", owner)
              .put("email", owner == null ? null : emails.get(owner)).put("turns", t.turns()).put("input_tokens", t.inputTokens())
              .put("output_tokens", t.outputTokens()).put("cost_usd", Pricing.usd(t.costNanos())));
        });
    return out;
  }

  public Report build(Kind kind, String userId, List<TurnCost> topTurns) {
    return build(kind, userId, topTurns, Keys.NONE);
  }

  public Report build(Kind kind, String userId, List<TurnCost> topTurns, Keys keys) {
    return switch (kind) {
      case OVERALL_COST -> overall(kind, rows, null);
      case PER_USER_COST -> perUser(kind);
      case PER_KEY_COST -> perKey(kind, keys);
      case SERVICE_WISE_COST -> trend(kind);
      case USER_SERVICE_COST, USER_COSTS -> overall(kind, ofUser(userId), userId);
      case COSTS -> userId == null ? overall(kind, rows, null) : overall(kind, ofUser(userId), userId);
      case COMPREHENSIVE_REPORT -> comprehensive(kind, topTurns, keys);
    };
  }

  /** The report as CSV (RFC 4180 quoting). */
  public static String csv(Report r) {
    return csv(r.columns(), r.rows());
  }

  /** A table as CSV (RFC 4180 quoting, a header line, CRLF line ends). */
  public static String csv(List<String> columns, List<? extends List<?>> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.join(",", columns.stream().map(ReportBuilder::cell).toList())).append("\r\n");
    for (List<?> row : rows) {
      sb.append(String.join(",", row.stream().map(ReportBuilder::cell).toList())).append("\r\n");
    }
    return sb.toString();
  }

  /** One CSV cell: RFC 4180 quoting, and never a formula when opened in a spreadsheet. */
  public static String cell(Object o) {
    String s = o == null ? "" : String.valueOf(o);
    if (s.startsWith("=") || s.startsWith("+") || s.startsWith("-") || s.startsWith("@")) {
      s = "'" + s; // never a formula when opened in a spreadsheet
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
