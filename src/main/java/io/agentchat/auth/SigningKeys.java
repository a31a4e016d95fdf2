package io.agentchat.auth;

import io.agentchat.common.PrivateFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The embedded identity provider's RSA signing key: generated on first start and kept in {@code <dataDir>/keys} (never in
 * the repository), published as a JWK set. The key id is the RFC 7638 thumbprint of the public key.
 */
public final class SigningKeys {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private final String privatePem;
  private final JsonObject publicJwk;

  private SigningKeys(String privatePem, JsonObject publicJwk) {
    this.privatePem = privatePem;
    this.publicJwk = publicJwk;
  }

  /** Loads the key from the data directory, creating it first when absent. Blocking. */
  public static SigningKeys loadOrCreate(Path dataDir) throws IOException, GeneralSecurityException {
    Path dir = dataDir.resolve("keys");
    Path file = dir.resolve("signing-key.pem");
    PrivateFiles.directory(dataDir);
    PrivateFiles.directory(dir);
    if (!Files.exists(file)) {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair pair = gen.generateKeyPair();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      Path tmp = dir.resolve("signing-key.pem.tmp");
      Files.deleteIfExists(tmp);
      Files.writeString(PrivateFiles.file(tmp), pem);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    PrivateFiles.restrictIfPresent(file);
    return load(file);
  }

  /** Loads an existing PKCS#8 PEM key, such as the one every node of a cluster is given. Blocking. */
  public static SigningKeys load(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
    String n = B64URL.encodeToString(unsigned(pub.getModulus()));
    String e = B64URL.encodeToString(unsigned(pub.getPublicExponent()));
    String thumbprintInput = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
    String kid = B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(thumbprintInput.getBytes(StandardCharsets.UTF_8)));
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256").put("n", n).put("e", e);
    return new SigningKeys(pem, jwk);
  }

  /** The big-endian bytes of a positive integer without the sign byte, as JWK wants {@code n} and {@code e}. */
  public static byte[] unsigned(BigInteger i) {
    byte[] b = i.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      byte[] out = new byte[b.length - 1];
      System.arraycopy(b, 1, out, 0, out.length);
      return out;
    }
    return b;
  }

  public String privatePem() {
    return privatePem;
  }

  public String kid() {
    return publicJwk.getString("kid");
  }

  public JsonObject publicJwk() {
    return publicJwk.copy();
  }

  public JsonObject jwks() {
    return new JsonObject().put("keys", new JsonArray().add(publicJwk.copy()));
  }
}
