package io.agentchat.auth;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.SigV4;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The Cognito user-pool JSON API ({@code POST /} with {@code X-Amz-Target: AWSCognitoIdentityProviderService.<Op>}) over
 * vertx-web-client. Public operations (SignUp, ConfirmSignUp, InitiateAuth) go unsigned, as a browser would send them;
 * Admin operations and CreateGroup are SigV4-signed (signing name {@code cognito-idp}) with the default AWS credentials,
 * resolved and signed on a worker thread. Cognito's errors become the product's codes with messages a person understands.
 */
final class CognitoApi {
  private static final String TARGET = "AWSCognitoIdentityProviderService.";
  private static final String JSON = "application/x-amz-json-1.1";

  private final WebClient client;
  private final CognitoConfig config;
  private final URI endpoint;
  private final SigV4 sigV4;

  CognitoApi(Vertx vertx, CognitoConfig config) {
    this.config = config;
    this.sigV4 = new SigV4(vertx, "cognito-idp", config.region());
    this.endpoint = URI.create(config.endpoint() + "/");
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setUserAgent("agent-chat"));
  }

  void close() {
    client.close();
    sigV4.close();
  }

  /** An unsigned call. */
  Future<JsonObject> call(String op, JsonObject body) {
    return send(op, body, MultiMap.caseInsensitiveMultiMap());
  }

  /** A SigV4-signed call. */
  Future<JsonObject> signed(String op, JsonObject body) {
    return sigV4.sign(SdkHttpMethod.POST, endpoint, Map.of("Content-Type", JSON, "X-Amz-Target", TARGET + op), body.toBuffer().getBytes())
        .compose(h -> send(op, body, h));
  }

  private Future<JsonObject> send(String op, JsonObject body, MultiMap headers) {
    HttpRequest<Buffer> req = client.postAbs(endpoint.toString()).timeout(config.callTimeoutMs()).putHeaders(headers)
        .putHeader("Content-Type", JSON).putHeader("X-Amz-Target", TARGET + op);
    return req.sendBuffer(body.toBuffer()).recover(t -> Future.failedFuture(
        ErrorCode.AUTH_UNAVAILABLE.exception("Sign-in is unavailable for the moment; try again shortly."))).compose(resp -> {
          JsonObject json;
          try {
            json = resp.body() == null || resp.body().length() == 0 ? new JsonObject() : resp.bodyAsJsonObject();
          } catch (RuntimeException e) {
            json = new JsonObject();
          }
          if (resp.statusCode() == 200) {
            return Future.succeededFuture(json);
          }
          String type = json.getString("__type", resp.getHeader("x-amzn-ErrorType"));
          return Future.failedFuture(error(type == null ? "" : type, json.getString("message", json.getString("Message", ""))));
        });
  }

  /** Cognito's exception name (possibly prefixed, as in {@code com.amazon...#NotAuthorizedException}) as a product error. */
  static AppException error(String type, String message) {
    String t = type.contains("#") ? type.substring(type.indexOf('#') + 1) : type;
    t = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
    return switch (t) {
      case "GroupExistsException" -> ErrorCode.USER_EXISTS.exception("The group exists already.");
      case "UsernameExistsException", "AliasExistsException" -> ErrorCode.USER_EXISTS.exception("An account with this e-mail address already exists; log in instead.");
      case "CodeMismatchException", "ExpiredCodeException" -> ErrorCode.INVALID_CODE.exception("The confirmation code is wrong or has expired.");
      case "NotAuthorizedException", "UserNotFoundException" -> ErrorCode.INVALID_CREDENTIALS.exception("The e-mail address or password is wrong.");
      case "UserNotConfirmedException" -> ErrorCode.USER_NOT_CONFIRMED.exception("Confirm your e-mail address first with the code we sent you.");
      case "InvalidPasswordException" -> ErrorCode.WEAK_PASSWORD.exception("The password does not meet the password policy"
          + (message == null || message.isBlank() ? "." : ": " + message));
      case "InvalidParameterException" -> ErrorCode.INVALID_REQUEST.exception("The request was refused: " + message);
      case "TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException" ->
          ErrorCode.RATE_LIMITED.exception("Too many attempts; wait a moment and try again.");
      default -> ErrorCode.AUTH_UNAVAILABLE.exception("Sign-in is unavailable for the moment; try again shortly.");
    };
  }
}
