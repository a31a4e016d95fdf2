package io.agentchat.client;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A frame for browsers, published on a {@link ClientAddresses} address and written to every bridge socket registered
 * there: its JSON is encoded once, however many sockets (a user's tabs, a tenant's admins) receive it, and not at all
 * when none does; it is not copied on the way to them. Between nodes it travels as that JSON.
 */
public final class ClientFrame {
  /** The frame as built (never changed after), or null when it came from another node as bytes. */
  private final JsonObject frame;
  private volatile byte[] json;
  private volatile Envelope envelope;

  private ClientFrame(JsonObject frame, byte[] json) {
    this.frame = frame;
    this.json = json;
  }

  public static ClientFrame of(JsonObject frame) {
    return new ClientFrame(frame, null);
  }

  /** The frame as JSON (decoded when it came from another node as bytes). */
  public JsonObject json() {
    return frame != null ? frame : new JsonObject(new String(bytes(), StandardCharsets.UTF_8));
  }

  /** The frame's JSON, encoded on first use (sockets on several event loops may each encode it once: the same bytes). */
  private byte[] bytes() {
    byte[] b = json;
    if (b == null) {
      b = frame.encode().getBytes(StandardCharsets.UTF_8);
      json = b;
    }
    return b;
  }

  /**
   * The bridge's {@code rec} envelope of this frame on {@code address}, as a socket receives it: made once for the address
   * it was published on (every socket that receives it is registered there).
   */
  public Buffer envelope(String address) {
    Envelope e = envelope;
    if (e == null || !e.address.equals(address)) {
      byte[] head = ("{\"type\":\"rec\",\"address\":" + Json.encode(address) + ",\"body\":").getBytes(StandardCharsets.UTF_8);
      byte[] json = bytes();
      byte[] bytes = new byte[head.length + json.length + 1];
      System.arraycopy(head, 0, bytes, 0, head.length);
      System.arraycopy(json, 0, bytes, head.length, json.length);
      bytes[bytes.length - 1] = '}';
      e = new Envelope(address, bytes);
      envelope = e; // sockets on several event loops may each make it once: the same bytes
    }
    return Buffer.buffer(e.bytes);
  }

  private record Envelope(String address, byte[] bytes) {
  }

  /** The codec: by reference within a node, the JSON bytes between nodes. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(ClientFrame.class, new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // an earlier start of the application on this Vert.x
    }
  }

  private static final class Codec implements MessageCodec<ClientFrame, ClientFrame> {
    @Override
    public void encodeToWire(Buffer buffer, ClientFrame f) {
      byte[] json = f.bytes();
      buffer.appendInt(json.length).appendBytes(json);
    }

    @Override
    public ClientFrame decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new ClientFrame(null, buffer.getBytes(pos + 4, pos + 4 + length));
    }

    @Override
    public ClientFrame transform(ClientFrame f) {
      return f;
    }

    @Override
    public String name() {
      return "client-frame";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
