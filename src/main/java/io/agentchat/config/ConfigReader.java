package io.agentchat.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware reads of one JSON config section; every failure names the full key. Values set from environment
 * variables arrive as strings and are converted here, by the type the key is read as. A reader made by {@link #describing()}
 * also writes down every key it is asked for with its default, which is how the documentation is checked against the code.
 */
public final class ConfigReader {
  private final JsonObject json;
  private final String prefix;
  /** Full key -> the environment variable that set it (for messages naming where a bad value came from). */
  private final Map<String, String> fromEnv;
  /** Full key -> default, when describing; null otherwise. */
  private final Map<String, Object> described;

  public ConfigReader(JsonObject json, String prefix) {
    this(json, prefix, Map.of(), null);
  }

  /** A reader of the configuration root whose values named in {@code fromEnv} (full key -> variable) came from the environment. */
  public ConfigReader(JsonObject json, Map<String, String> fromEnv) {
    this(json, "", fromEnv, null);
  }

  private ConfigReader(JsonObject json, String prefix, Map<String, String> fromEnv, Map<String, Object> described) {
    this.json = json == null ? new JsonObject() : json;
    this.prefix = prefix;
    this.fromEnv = fromEnv;
    this.described = described;
  }

  /** A reader of an empty configuration that writes down every key read and its default (see {@link #described()}). */
  public static ConfigReader describing() {
    return new ConfigReader(new JsonObject(), "", Map.of(), new LinkedHashMap<>());
  }

  /** True for a reader made by {@link #describing()}: sections read only in some modes are read anyway. */
  public boolean isDescribing() {
    return described != null;
  }

  /** Every key read so far with its default (null when there is none), in the order read. */
  public Map<String, Object> described() {
    return described == null ? Map.of() : java.util.Collections.unmodifiableMap(described);
  }

  private void note(String name, Object def) {
    if (described != null) {
      described.putIfAbsent(key(name), def);
    }
  }

  /** The value of a key, with a string from the environment trimmed. */
  private Object value(String name) {
    Object v = json.getValue(name);
    return v instanceof String s && fromEnv.containsKey(key(name)) ? s.trim() : v;
  }

  private String source(String name) {
    String env = fromEnv.get(key(name));
    return env == null ? "" : " (from " + env + "=\"" + value(name) + "\")";
  }

  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  public ConfigReader section(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return new ConfigReader(new JsonObject(), key(name), fromEnv, described);
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key(name), "must be an object");
    }
    return new ConfigReader(o, key(name), fromEnv, described);
  }

  public String string(String name, String def) {
    note(name, def);
    Object v = value(name);
    if (v == null) {
      if (def == null) {
        throw new ConfigException(key(name), "is required");
      }
      return def;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ConfigException(key(name), "must be a non-empty string");
    }
    return s;
  }

  /** A string that may be absent or empty (then null). */
  public String optionalString(String name) {
    note(name, null);
    Object v = value(name);
    if (v == null || (v instanceof String s && s.isEmpty())) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(key(name), "must be a string");
    }
    return s;
  }

  /** A string with a default when absent; given empty, it is cleared (null), e.g. to require another key instead. */
  public String optionalString(String name, String def) {
    if (value(name) == null) {
      note(name, def);
      return def;
    }
    return optionalString(name);
  }

  /** An optional URL (null when absent or empty). */
  public String optionalUrl(String name) {
    return optionalString(name) == null ? null : url(name, null);
  }

  /** An object of string values, e.g. a model id per tier. */
  public Map<String, String> stringMap(String name) {
    return stringMap(name, Map.of());
  }

  /** An object of string values with a default. */
  public Map<String, String> stringMap(String name, Map<String, String> def) {
    note(name, def);
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key(name), "must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : o.fieldNames()) {
      if (!(o.getValue(k) instanceof String s) || s.isEmpty()) {
        throw new ConfigException(key(name) + "." + k, "must be a non-empty string");
      }
      out.put(k, s);
    }
    return Map.copyOf(out);
  }

  public String oneOf(String name, String def, Set<String> allowed) {
    String v = string(name, def);
    if (!allowed.contains(v)) {
      throw new ConfigException(key(name), "must be one of " + String.join(", ", allowed.stream().sorted().toList()) + " (got \"" + v + "\")");
    }
    return v;
  }

  public int integer(String name, int def, int min, int max) {
    long v = longValue(name, def, min, max);
    return (int) v;
  }

  public long longValue(String name, long def, long min, long max) {
    note(name, def);
    Object v = value(name);
    if (v == null) {
      return def;
    }
    long l;
    if (v instanceof String s && fromEnv.containsKey(key(name))) {
      try {
        l = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new ConfigException(key(name), "must be an integer" + source(name));
      }
    } else if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(key(name), "must be an integer (got " + describe(v) + ")");
    } else {
      l = n.longValue();
    }
    if (l < min || l > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + " (got " + l + ")");
    }
    return l;
  }

  /** A flag with no default: null when absent (the caller derives it from other settings). */
  public Boolean optionalBool(String name) {
    if (value(name) == null) {
      note(name, null);
      return null;
    }
    return bool(name, false);
  }

  public boolean bool(String name, boolean def) {
    note(name, def);
    Object v = value(name);
    if (v == null) {
      return def;
    }
    if (v instanceof String s && fromEnv.containsKey(key(name))) {
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
      throw new ConfigException(key(name), "must be true or false" + source(name));
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(key(name), "must be true or false (got " + describe(v) + ")");
    }
    return b;
  }

  public String url(String name, String def) {
    String v = string(name, def);
    try {
      URI u = URI.create(v);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key(name), "must be an http or https URL (got \"" + v + "\")");
    }
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
  }

  public List<String> strings(String name) {
    note(name, List.of());
    Object v = value(name);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s && fromEnv.containsKey(key(name))) {
      // from the environment: comma-separated
      return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException(key(name), "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s)) {
        throw new ConfigException(key(name), "must be an array of strings");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private static String describe(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
