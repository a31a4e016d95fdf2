package io.agentchat.gateway;

import io.agentchat.auth.CheckedTokens;
import io.agentchat.auth.TokenVerifier;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * One open bridge socket: the connection id its turns carry, the last of its frames still being authorised (frames are
 * authorised one after another, so that they reach the event bus in the order the client wrote them), and the handlers it
 * holds on the server, its registrations and the requests awaiting a reply, which are bounded per socket; and the token
 * it last presented, verified once: a frame that carries the same token again (every frame carries one) is not verified
 * again until the token expires.
 */
final class BridgeConnection {
  final String id = "ws-" + Ids.uuid();
  Future<Void> tail = Future.succeededFuture();
  /** The addresses the socket listens on, and the guard's consumer writing each one's frames to it. */
  private final Map<String, MessageConsumer<Object>> registered = new HashMap<>();
  /** Requests of this socket handed to the sessions and not yet answered. */
  private int awaiting;
  /** The SHA-256 of the last token verified on this socket (not the token: a hash is 32 bytes), its identity and expiry. */
  private byte[] tokenHash;
  private Identity identity;
  private long expiresAtMs;
  private long issuedAtSeconds;

  /**
   * The identity of a frame's token: the one verified before when the token is the same and has not expired, else the
   * verifier's answer (which becomes the one remembered when it succeeds).
   */
  Future<Identity> identity(TokenVerifier tokens, String token) {
    if (token == null) {
      return tokens.verify(null);
    }
    byte[] hash = sha256(token);
    if (identity != null && MessageDigest.isEqual(hash, tokenHash) && System.currentTimeMillis() < expiresAtMs) {
      // verified before, but a revocation since (a removal, a role change, signing out everywhere) holds from the next frame
      return tokens.revoked(identity, issuedAtSeconds) ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(CheckedTokens.REVOKED))
          : Future.succeededFuture(tokens.current(identity));
    }
    return tokens.verify(token).onSuccess(id -> {
      tokenHash = hash;
      identity = id;
      expiresAtMs = TokenVerifier.expiresAtSeconds(token) * 1000;
      issuedAtSeconds = TokenVerifier.issuedAtSeconds(token);
    });
  }

  /** The identity of the last token verified on this socket (null before the first). */
  Identity identity() {
    return identity;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Whether one more handler fits within {@code max}; registering an address held already takes none. */
  boolean fits(int max, String registering) {
    return (registering != null && registered.containsKey(registering)) || registered.size() + awaiting < max;
  }

  boolean isRegistered(String address) {
    return registered.containsKey(address);
  }

  void registered(String address, MessageConsumer<Object> consumer) {
    registered.put(address, consumer);
  }

  /** The client stopped listening on {@code address}; false if it was not. */
  boolean unregistered(String address) {
    MessageConsumer<Object> c = registered.remove(address);
    if (c != null) {
      c.unregister();
    }
    return c != null;
  }

  /** The socket closed: no more frames for it. */
  void unregisterAll() {
    registered.values().forEach(MessageConsumer::unregister);
    registered.clear();
  }

  /** A request now awaits its answer. */
  void awaiting() {
    awaiting++;
  }

  /** A request was answered, with a reply or a refusal. */
  void answered() {
    awaiting = Math.max(0, awaiting - 1);
  }
}
