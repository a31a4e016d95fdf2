package io.agentchat.store;

/**
 * What a usage event measures. {@link #wire()} is its name in the tables, in event ids and on the wire; data already
 * stored keeps these names, so they never change.
 */
public enum UsageKind {
  INPUT_TOKENS("input_tokens"),
  OUTPUT_TOKENS("output_tokens"),
  INVOCATION("invocation"),
  TOOL_ACTION("tool_action"),
  STORAGE_BYTES("storage_bytes");

  private final String wire;

  UsageKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The kind a stored or received name stands for. */
  public static UsageKind fromWire(String wire) {
    for (UsageKind k : values()) {
      if (k.wire.equals(wire)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown usage kind: " + wire);
  }

  /** The wire name, so that logs and messages read as before. */
  @Override
  public String toString() {
    return wire;
  }
}
