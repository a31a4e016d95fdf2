package io.agentchat.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Tokens a test signs itself, with the embedded provider's own key or another. */
public final class TestTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {
  }

  public static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  public static String b64(byte[] b) {
    return B64.encodeToString(b);
  }

  /** A JWT of this header and payload, signed RS256 with {@code key}. */
  public static String rs256(PrivateKey key, String header, String payload) throws Exception {
    String input = b64(header) + "." + b64(payload);
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initSign(key);
    sig.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(sig.sign());
  }

  /** The embedded provider's signing key under a deployment's data directory. */
  public static PrivateKey serverKey(Path dataDir) throws Exception {
    String pem = Files.readString(dataDir.resolve("keys/signing-key.pem"));
    byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }
}
