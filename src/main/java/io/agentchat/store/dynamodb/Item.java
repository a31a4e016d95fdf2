package io.agentchat.store.dynamodb;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Builds and reads DynamoDB items: strings, numbers (times are epoch milliseconds) and booleans; null values are left out. */
final class Item {
  private static final Pattern NAME = Pattern.compile("#([A-Za-z_][A-Za-z0-9_]*)");
  private final Map<String, AttributeValue> map = new LinkedHashMap<>();

  static Item key(String pk, String sk) {
    return new Item().s("pk", pk).s("sk", sk);
  }

  Item s(String name, String value) {
    if (value != null) {
      map.put(name, AttributeValue.fromS(value));
    }
    return this;
  }

  Item n(String name, long value) {
    map.put(name, AttributeValue.fromN(Long.toString(value)));
    return this;
  }

  Item n(String name, Instant value) {
    return value == null ? this : n(name, value.toEpochMilli());
  }

  Item b(String name, boolean value) {
    map.put(name, AttributeValue.fromBool(value));
    return this;
  }

  Item put(String name, AttributeValue value) {
    map.put(name, value);
    return this;
  }

  Map<String, AttributeValue> map() {
    return map;
  }

  // ---------------------------------------------------------------- reading

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  static long num(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  static Instant time(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(v.n()));
  }

  static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v != null && Boolean.TRUE.equals(v.bool());
  }

  /** Whether an item's {@code ttl} (epoch seconds) has passed: DynamoDB deletes such items lazily, so reads skip them. */
  static boolean gone(Map<String, AttributeValue> item, Instant now) {
    AttributeValue ttl = item.get("ttl");
    return ttl != null && ttl.n() != null && Long.parseLong(ttl.n()) <= now.getEpochSecond();
  }

  /** Expression values from pairs of name and value (a string, boolean, number or attribute value). */
  static Map<String, AttributeValue> vals(Object... kv) {
    Map<String, AttributeValue> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof AttributeValue a ? a
          : v instanceof String s ? AttributeValue.fromS(s)
          : v instanceof Boolean b ? AttributeValue.fromBool(b)
          : AttributeValue.fromN(String.valueOf(((Number) v).longValue())));
    }
    return m;
  }

  /** The attribute names an expression refers to as {@code #name}, so that reserved words never need care. */
  static Map<String, String> names(String... expressions) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : expressions) {
      if (e == null) {
        continue;
      }
      Matcher m = NAME.matcher(e);
      while (m.find()) {
        out.put(m.group(), m.group(1));
      }
    }
    return out;
  }
}
