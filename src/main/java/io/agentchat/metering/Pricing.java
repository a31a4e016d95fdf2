package io.agentchat.metering;

import io.agentchat.common.Resources;
import io.agentchat.config.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * Prices from {@code conf/pricing.json}. Money is kept in whole nano-dollars (1e-9 USD) so that per-token prices add up
 * exactly; only the edges turn it into decimal USD.
 */
public final class Pricing {
  public static final String BEDROCK_MODELS = "bedrock_models";
  public static final String AGENT_RUNTIME = "agent_runtime";
  public static final String TOOLS = "tools";
  public static final String STORAGE = "storage";
  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);

  public record ModelPrice(String key, String label, BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
  }

  private final Map<String, ModelPrice> byKey;
  private final Map<String, String> aliases;
  /** The first service id of each model key (the model a service is asked for when a program names the key). */
  private final Map<String, String> serviceIds;
  private final long orchestrationNanos;
  private final long toolActionNanos;
  private final BigDecimal storagePerGbMonth;

  private Pricing(Map<String, ModelPrice> byKey, Map<String, String> aliases, Map<String, String> serviceIds, long orchestrationNanos,
                  long toolActionNanos, BigDecimal storagePerGbMonth) {
    this.byKey = Map.copyOf(byKey);
    this.aliases = Map.copyOf(aliases);
    this.serviceIds = Map.copyOf(serviceIds);
    this.orchestrationNanos = orchestrationNanos;
    this.toolActionNanos = toolActionNanos;
    this.storagePerGbMonth = storagePerGbMonth;
  }

  public static Pricing load(String file) {
    JsonObject json;
    try {
      json = new JsonObject(Resources.read(file, "pricing.file"));
    } catch (DecodeException e) {
      throw new ConfigException("pricing.file", file + " is not valid JSON");
    }
    JsonObject models = json.getJsonObject("models");
    if (models == null || models.isEmpty()) {
      throw new ConfigException("pricing.models", "must list at least one model");
    }
    Map<String, ModelPrice> byKey = new HashMap<>();
    Map<String, String> aliases = new HashMap<>();
    Map<String, String> serviceIds = new HashMap<>();
    for (String key : models.fieldNames()) {
      JsonObject m = models.getJsonObject(key);
      if (m == null) {
        throw new ConfigException("pricing.models." + key, "must be an object");
      }
      byKey.put(key, new ModelPrice(key, m.getString("label", key),
          decimal(m, "input_per_million", "pricing.models." + key), decimal(m, "output_per_million", "pricing.models." + key)));
      aliases.put(key, key);
      JsonArray ids = m.getJsonArray("ids", new JsonArray());
      if (!ids.isEmpty()) {
        serviceIds.put(key, String.valueOf(ids.getValue(0)));
      }
      for (Object id : ids) {
        aliases.put(String.valueOf(id), key);
      }
    }
    JsonObject runtime = json.getJsonObject("agent_runtime", new JsonObject());
    return new Pricing(byKey, aliases, serviceIds,
        toNanos(decimal(runtime, "orchestration_per_invocation", "pricing.agent_runtime")),
        toNanos(decimal(runtime, "tool_execution_per_action", "pricing.agent_runtime")),
        json.containsKey("storage") ? decimal(json.getJsonObject("storage"), "per_gb_month", "pricing.storage") : BigDecimal.ZERO);
  }

  private static BigDecimal decimal(JsonObject o, String field, String key) {
    Object v = o.getValue(field);
    if (!(v instanceof Number n)) {
      throw new ConfigException(key + "." + field, "must be a number");
    }
    BigDecimal d = new BigDecimal(n.toString());
    if (d.signum() < 0) {
      throw new ConfigException(key + "." + field, "must not be negative");
    }
    return d;
  }

  private static long toNanos(BigDecimal usd) {
    return usd.multiply(NANOS_PER_USD).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /** The pricing key for a model id as reported by a backend (an alias or a key), or null when unknown. */
  public String modelKey(String modelId) {
    if (modelId == null) {
      return null;
    }
    String k = aliases.get(modelId);
    if (k != null) {
      return k;
    }
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      if (modelId.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The id a model service knows the model of this key by (its first id in the file; the key itself without one). */
  public String serviceId(String modelKey) {
    return serviceIds.getOrDefault(modelKey, modelKey);
  }

  public boolean knows(String modelKey) {
    return byKey.containsKey(modelKey);
  }

  public long inputNanos(String modelKey, long tokens) {
    return perToken(byKey.get(modelKey).inputPerMillion(), tokens);
  }

  public long outputNanos(String modelKey, long tokens) {
    return perToken(byKey.get(modelKey).outputPerMillion(), tokens);
  }

  public long orchestrationNanos() {
    return orchestrationNanos;
  }

  public long toolActionNanos() {
    return toolActionNanos;
  }

  /** Keeping {@code bytes} of conversation for one month (1 GB = 10^9 bytes). */
  public long storageNanos(long bytes) {
    return storagePerGbMonth.multiply(BigDecimal.valueOf(bytes)).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private static long perToken(BigDecimal perMillion, long tokens) {
    return perMillion.multiply(BigDecimal.valueOf(tokens)).multiply(NANOS_PER_USD).divide(MILLION, 0, RoundingMode.HALF_UP).longValueExact();
  }

  /** Nano-dollars as a decimal USD number for JSON (exact to 9 places). */
  public static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
  }
}
