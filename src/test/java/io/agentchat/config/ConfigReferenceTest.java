package io.agentchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The code is where configuration keys and their defaults are defined; {@code conf/config.json} and the README's table
 * repeat them for people. A key added, renamed or given another default in one place only fails here.
 */
class ConfigReferenceTest {
  private static final Map<String, Object> CODE = AppConfig.keysAndDefaults();
  private static final Pattern TICKED = Pattern.compile("`([^`]*)`");
  /** The keys a row documents: the ticked names it starts with, before its notes. */
  private static final Pattern LEADING_KEYS = Pattern.compile("`[^`]+`(, `[^`]+`)*");

  @Test
  void confFileHoldsEveryKeyWithTheDefaultOfTheCode() throws Exception {
    Map<String, Object> file = new TreeMap<>();
    flatten(new JsonObject(Files.readString(Path.of("conf/config.json"))), "", file);
    assertSameKeys(file.keySet(), "conf/config.json");
    List<String> wrong = new ArrayList<>();
    CODE.forEach((key, def) -> {
      if (!same(def, file.get(key))) {
        wrong.add(key + ": code " + def + ", conf/config.json " + file.get(key));
      }
    });
    assertTrue(wrong.isEmpty(), "defaults differ: " + wrong);
  }

  @Test
  void readmeTableListsEveryKeyItsVariableAndDefault() throws Exception {
    Map<String, String> envOfKey = new TreeMap<>();
    Map<String, String> defaultOfKey = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      readRow(line, envOfKey, defaultOfKey);
    }
    assertSameKeys(defaultOfKey.keySet(), "the README's table");
    Map<String, String> variables = new TreeMap<>();
    ConfigLoader.ENV_KEYS.forEach((env, key) -> variables.put(key, env));
    assertEquals(variables, envOfKey, "environment variables in the README's table against ConfigLoader.ENV_KEYS");
    List<String> wrong = new ArrayList<>();
    CODE.forEach((key, def) -> {
      String doc = defaultOfKey.get(key);
      boolean literal = doc.startsWith("`") && doc.endsWith("`") && doc.length() >= 2;
      boolean empty = def == null || "".equals(def) || (def instanceof List<?> l && l.isEmpty()) || (def instanceof Map<?, ?> m && m.isEmpty());
      if (empty ? literal : !(literal && doc.substring(1, doc.length() - 1).equals(text(def)))) {
        wrong.add(key + ": code " + def + ", README " + doc);
      }
    });
    assertTrue(wrong.isEmpty(), "defaults in the README differ (a key without a default is described in words, one with a default as `value`): " + wrong);
  }

  private static void assertSameKeys(java.util.Set<String> documented, String where) {
    TreeSet<String> missing = new TreeSet<>(CODE.keySet());
    missing.removeAll(documented);
    TreeSet<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(CODE.keySet());
    assertTrue(missing.isEmpty() && unknown.isEmpty(), where + " lacks " + missing + " and has keys the code does not read " + unknown);
  }

  /** One row {@code | variables | keys (notes) | defaults |}; keys after the first may be relative ({@code .agentAliasId}). */
  private static void readRow(String line, Map<String, String> envOfKey, Map<String, String> defaultOfKey) {
    String[] cells = line.split("\\|", -1);
    if (cells.length != 5 || !cells[2].trim().startsWith("`")) {
      return;
    }
    Matcher lead = LEADING_KEYS.matcher(cells[2].trim());
    List<String> keys = new ArrayList<>();
    for (String k : lead.lookingAt() ? ticked(lead.group()) : List.<String>of()) {
      keys.add(k.startsWith(".") && !keys.isEmpty() ? keys.get(keys.size() - 1).replaceAll("\\.[^.]+$", "") + k : k);
    }
    if (keys.isEmpty() || !keys.get(0).contains(".")) {
      return;
    }
    List<String> envs = ticked(cells[1]);
    List<String> defaults = splitOutsideTicks(cells[3].trim());
    assertTrue(envs.isEmpty() || envs.size() == keys.size(), "as many variables as keys: " + line);
    assertTrue(defaults.size() == keys.size() || defaults.size() == 1, "one default, or one per key: " + line);
    for (int i = 0; i < keys.size(); i++) {
      assertFalse(defaultOfKey.containsKey(keys.get(i)), "listed twice: " + keys.get(i));
      defaultOfKey.put(keys.get(i), defaults.get(defaults.size() == 1 ? 0 : i));
      if (!envs.isEmpty()) {
        envOfKey.put(keys.get(i), envs.get(i));
      }
    }
  }

  private static List<String> ticked(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = TICKED.matcher(s);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<String> splitOutsideTicks(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean inTicks = false;
    for (char c : s.toCharArray()) {
      if (c == '`') {
        inTicks = !inTicks;
      }
      if (c == ',' && !inTicks) {
        out.add(part.toString().trim());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    out.add(part.toString().trim());
    return out;
  }

  /** Leaves of the file; an object is a leaf where the code reads a map of strings. */
  private static void flatten(JsonObject o, String prefix, Map<String, Object> out) {
    for (String name : o.fieldNames()) {
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      Object v = o.getValue(name);
      if (v instanceof JsonObject child && !(CODE.get(key) instanceof Map)) {
        flatten(child, key, out);
      } else {
        out.put(key, v);
      }
    }
  }

  private static boolean same(Object code, Object file) {
    if (code == null) {
      return file == null || "".equals(file);
    }
    if (code instanceof List<?> l) {
      return file instanceof JsonArray a && a.getList().equals(l);
    }
    if (code instanceof Map<?, ?> m) {
      return file instanceof JsonObject j && new LinkedHashMap<>(j.getMap()).equals(new LinkedHashMap<>(m));
    }
    if (code instanceof Number n) {
      return file instanceof Number f && f.longValue() == n.longValue();
    }
    return code.equals(file);
  }

  @SuppressWarnings("unchecked")
  private static String text(Object def) {
    return def instanceof Map<?, ?> m ? new JsonObject(new LinkedHashMap<>((Map<String, Object>) m)).encode() : String.valueOf(def);
  }
}
