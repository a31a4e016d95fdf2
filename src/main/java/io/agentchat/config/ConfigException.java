package io.agentchat.config;

/** A configuration value that cannot be used; the message names the key and the reason on one line. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String reason) {
    super(key + ": " + reason);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
