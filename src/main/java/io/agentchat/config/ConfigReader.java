package io.agentchat.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Typed, path-aware reads of one JSON config section; every failure names the full key. */
public final class ConfigReader {
  private final JsonObject json;
  private final String prefix;

  public ConfigReader(JsonObject json, String prefix) {
    this.json = json == null ? new JsonObject() : json;
    this.prefix = prefix;
  }

  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  public ConfigReader section(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return new ConfigReader(new JsonObject(), key(name));
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key(name), "must be an object");
    }
    return new ConfigReader(o, key(name));
  }

  public JsonObject raw() {
    return json;
  }

  public String string(String name, String def) {
    Object v = json.getValue(name);
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
    Object v = json.getValue(name);
    if (v == null || (v instanceof String s && s.isEmpty())) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(key(name), "must be a string");
    }
    return s;
  }

  /** An optional URL (null when absent or empty). */
  public String optionalUrl(String name) {
    return optionalString(name) == null ? null : url(name, null);
  }

  /** An object of string values, e.g. a model id per tier. */
  public java.util.Map<String, String> stringMap(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return java.util.Map.of();
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key(name), "must be an object of strings");
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String k : o.fieldNames()) {
      if (!(o.getValue(k) instanceof String s) || s.isEmpty()) {
        throw new ConfigException(key(name) + "." + k, "must be a non-empty string");
      }
      out.put(k, s);
    }
    return java.util.Map.copyOf(out);
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
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(key(name), "must be an integer (got " + describe(v) + ")");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + " (got " + l + ")");
    }
    return l;
  }

  public boolean bool(String name, boolean def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
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
    Object v = json.getValue(name);
    if (v == null) {
      return List.of();
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
