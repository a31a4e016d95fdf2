package io.agentchat.apikey;

import io.agentchat.common.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an API key looks like: {@code ack_<tenant>_<key id>_<secret>}, the key id 16 and the secret 64 hex digits (256
 * random bits). The tenant and key id find the key (a tenant-scoped lookup); the secret is kept only as its SHA-256, which
 * is enough for a random secret of this length (a slow password hash protects guessable secrets, not random ones), and is
 * compared in constant time.
 */
final class ApiKeySecrets {
  static final String PREFIX = "ack_";
  private static final Pattern FORMAT = Pattern.compile("ack_([a-z][a-z0-9-]{2,39})_([0-9a-f]{16})_([0-9a-f]{64})");

  /** A key as presented: where to find it and the secret to check. */
  record Parsed(String tenantId, String keyId, String secret) {
  }

  private ApiKeySecrets() {
  }

  static String newKeyId() {
    return Ids.randomHex(8);
  }

  static String newSecret() {
    return Ids.randomHex(32);
  }

  /** The whole key, as its creator is shown it once. */
  static String format(String tenantId, String keyId, String secret) {
    return PREFIX + tenantId + "_" + keyId + "_" + secret;
  }

  /** The part of a key that names it without its secret, as key lists show it. */
  static String label(String tenantId, String keyId) {
    return PREFIX + tenantId + "_" + keyId;
  }

  /** The key's parts, or null when {@code bearer} is not shaped like a key. */
  static Parsed parse(String bearer) {
    if (bearer == null) {
      return null;
    }
    Matcher m = FORMAT.matcher(bearer);
    return m.matches() ? new Parsed(m.group(1), m.group(2), m.group(3)) : null;
  }

  static String hash(String secret) {
    return Ids.sha256Hex(secret);
  }

  /** Whether the secret is the one whose hash is stored, compared in constant time. */
  static boolean matches(String secret, String storedHash) {
    return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
