package io.agentchat.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * cognito-local (an Amazon Cognito emulator, pinned in src/test/tools/package.json and installed by the build) run as a
 * child process on a free port, in its own temporary working directory (it keeps its state in {@code .cognito/} there),
 * with fixed confirmation codes ({@code CODE=}{@value #CODE}). {@link #createPool()} makes a user pool with the custom
 * attributes {@code tenant_id} and {@code subscription_tier} and an app client, through the Cognito API.
 */
public final class CognitoLocal implements AutoCloseable {
  public static final String CODE = "123456";
  private static final Path BIN = Path.of("src", "test", "tools", "node_modules", ".bin", "cognito-local").toAbsolutePath();

  /** A pool with its web client (no secret) and a server-only sign-up client (with a secret). */
  public record Pool(String poolId, String clientId, String signupClientId, String signupClientSecret, String issuer, String endpoint) {
    /** The auth section of a test configuration that points the application at this pool. */
    public JsonObject authConfig() {
      return new JsonObject().put("provider", "cognito").put("cognito", new JsonObject().put("region", "us-east-1")
          .put("userPoolId", poolId).put("clientId", clientId).put("issuer", issuer).put("endpoint", endpoint)
          .put("signupClientId", signupClientId).put("signupClientSecret", signupClientSecret));
    }
  }

  private final int port;
  private final Path workDir;
  private final Process process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private CognitoLocal(int port, Path workDir, Process process) {
    this.port = port;
    this.workDir = workDir;
    this.process = process;
  }

  /** Starts cognito-local and returns once it listens. */
  public static CognitoLocal start() {
    if (!Files.isExecutable(BIN)) {
      throw new IllegalStateException(BIN + " is missing: the build installs it with npm ci in src/test/tools (Node 20 and npm needed)");
    }
    int port = Ports.free();
    Path dir;
    try {
      dir = Files.createTempDirectory("cognito-local");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb = new ProcessBuilder(BIN.toString()).directory(dir.toFile());
    pb.environment().putAll(Map.of("PORT", String.valueOf(port), "CODE", CODE));
    return new CognitoLocal(port, dir, ChildProcess.startAndAwait(pb, "cognito-local", "Cognito Local running", 60));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * A new user pool (lenient password policy, the two custom attributes), an app client without a secret for the web, and
   * one with a secret for the server's sign-ups (cognito-local does not check SECRET_HASH; Cognito does).
   */
  public Pool createPool() {
    JsonObject pool = call("CreateUserPool", new JsonObject().put("PoolName", "agent-chat-test")
        .put("Policies", new JsonObject().put("PasswordPolicy", new JsonObject().put("MinimumLength", 8).put("RequireUppercase", false)
            .put("RequireLowercase", false).put("RequireNumbers", false).put("RequireSymbols", false)))
        .put("Schema", new JsonArray()
            .add(new JsonObject().put("Name", "tenant_id").put("AttributeDataType", "String").put("Mutable", true))
            .add(new JsonObject().put("Name", "subscription_tier").put("AttributeDataType", "String").put("Mutable", true))));
    String poolId = pool.getJsonObject("UserPool").getString("Id");
    JsonObject client = call("CreateUserPoolClient", new JsonObject().put("UserPoolId", poolId).put("ClientName", "agent-chat-web")
        .put("ExplicitAuthFlows", new JsonArray().add("ALLOW_USER_PASSWORD_AUTH").add("ALLOW_REFRESH_TOKEN_AUTH")));
    String clientId = client.getJsonObject("UserPoolClient").getString("ClientId");
    JsonObject signup = call("CreateUserPoolClient", new JsonObject().put("UserPoolId", poolId).put("ClientName", "agent-chat-server")
        .put("GenerateSecret", true)).getJsonObject("UserPoolClient");
    // cognito-local names itself "localhost" in the issuer
    return new Pool(poolId, clientId, signup.getString("ClientId"), signup.getString("ClientSecret"),
        "http://localhost:" + port + "/" + poolId, endpoint());
  }

  /** One call of the Cognito JSON API (cognito-local checks no signatures). */
  public JsonObject call(String op, JsonObject body) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "AWSCognitoIdentityProviderService." + op)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(op + " failed: " + r.statusCode() + " " + r.body());
      }
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    ChildProcess.stop(process);
    try (var files = Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind
    }
  }
}
