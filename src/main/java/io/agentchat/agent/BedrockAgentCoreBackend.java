package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentTools.ToolSpec;
import io.agentchat.common.AppException;
import io.agentchat.common.Ids;
import io.agentchat.common.SigV4;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Amazon Bedrock AgentCore Runtime ({@code InvokeAgentRuntime}): one agent runtime serves every tenant, so each call
 * carries the tenant context in its payload and a runtime session id of its own chat session (AgentCore does not map
 * sessions to users). The call is plain HTTPS, SigV4-signed for {@code bedrock-agentcore} by {@link SigV4} and sent with
 * the Vert.x HTTP client; the answer is read as it arrives ({@code text/event-stream}, see {@link AgentCoreEvents}) or
 * whole ({@code application/json}). The runtime runs its own tools, so a turn is one call through the {@link ToolLoop}
 * (which offers and runs none here); each tool the runtime reports is metered as a tool action.
 */
public final class BedrockAgentCoreBackend extends ServiceBackend {
  static final String SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
  static final String USER_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-User-Id";
  private final BedrockAgentCoreConfig agentCore;
  private final AgentTools tools;
  private final SigV4 signer;
  private final HttpClient http;

  public BedrockAgentCoreBackend(Vertx vertx, AgentConfig config, AgentTools tools) {
    super(vertx, config, null, "bedrock-agentcore", new ToolLoop.Failures(BedrockAgentCoreBackend::retryable, BedrockAgentCoreBackend::describe));
    this.agentCore = config.bedrockAgentCore();
    this.tools = tools;
    this.signer = new SigV4(vertx, "bedrock-agentcore", agentCore.region());
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
  }

  /** The service answered with an HTTP error: its status, its error type and its message. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String type, String message) {
      super(wording(status, type, message), null, false, false);
      this.status = status;
    }

    private static String wording(int status, String type, String message) {
      String m = message == null || message.isBlank() ? "" : ": " + (message.length() > 200 ? message.substring(0, 200) : message);
      return switch (status) {
        case 424 -> "The agent failed" + m;
        case 402 -> "The agent service quota is used up; please try again later" + m;
        case 403 -> "The server may not call the agent (access denied)" + m;
        case 404 -> "The agent runtime was not found" + m;
        case 429 -> AwsClients.THROTTLED;
        default -> "The agent service answered " + status + (type == null ? "" : " " + type) + m;
      };
    }
  }

  /** The runtime's answer cannot be read (not JSON, an unexpected content type, a truncated event). */
  static final class Malformed extends RuntimeException {
    Malformed(String why) {
      super("The agent sent a malformed answer: " + why, null, false, false);
    }
  }

  /** The agent reported an error of its own inside its answer. */
  static final class AgentFailed extends RuntimeException {
    AgentFailed(String why) {
      super("The agent failed: " + (why.length() > 200 ? why.substring(0, 200) : why), null, false, false);
    }
  }

  /** Throttling, a server error and a lost connection are worth another try; the agent's own errors and timeouts are not. */
  private static boolean retryable(Throwable t) {
    if (t instanceof Refused r) {
      return r.status == 429 || r.status >= 500;
    }
    return !(t instanceof AppException || t instanceof Malformed || t instanceof AgentFailed);
  }

  private static String describe(Throwable t) {
    return t instanceof Refused || t instanceof Malformed || t instanceof AgentFailed ? t.getMessage()
        : ToolLoop.describe("The agent service failed", t);
  }

  /**
   * The runtime session of a chat session: {@code <tenant>-<SHA-256 of the session key>} (68 to 105 characters, within the
   * service's 33 to 256), the same for every turn of the session and different for every other session, and without the
   * user's id in clear.
   */
  static String sessionId(AgentRequest req) {
    return req.identity().tenantId() + "-" + Ids.sha256Hex(req.sessionKey());
  }

  /** What the runtime is sent: the prompt, the tenant context (so that one runtime serves every tenant) and the session. */
  JsonObject payload(AgentRequest req) {
    JsonArray allowed = new JsonArray();
    tools.available(req.identity().tier()).stream().map(ToolSpec::name).forEach(allowed::add);
    JsonArray history = new JsonArray();
    req.history().forEach(l -> history.add(new JsonObject().put("role", l.role()).put("text", l.text())));
    return new JsonObject()
        .put("prompt", req.message())
        .put("tenant_context", new JsonObject()
            .put("tenant_id", req.identity().tenantId())
            .put("user_id", req.identity().userId())
            .put("subscription_tier", req.identity().tier())
            .put("user_role", req.identity().role())
            .put("organization_type", "tenant")
            .put("allowed_tools", allowed))
        .put("session_id", req.sessionId())
        .put("turn_id", req.turnId())
        .put("history", history);
  }

  /** The runtime has its own model; the one priced is configured. */
  @Override
  String model(String tier) {
    return agentCore.model();
  }

  /** The runtime has its own prompt: what this server sends is the message. */
  @Override
  public String sent(Conversation conversation) {
    return conversation.message();
  }

  @Override
  public void start(Conversation conversation, StreamCall call) {
    Round r = call.round();
    AgentRequest req = r.turn.req;
    String tier = req.identity().tier();
    String arn = agentCore.runtimeArn(tier);
    String qualifier = agentCore.qualifier(tier);
    URI uri = URI.create(agentCore.baseUrl() + "/runtimes/" + encode(arn) + "/invocations?qualifier=" + encode(qualifier));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream, application/json");
    headers.put(SESSION_HEADER, sessionId(req));
    if (agentCore.sendUserId()) {
      headers.put(USER_HEADER, req.identity().userId());
    }
    headers.putAll(TraceHeaders.of(req));
    Buffer body = payload(req).toBuffer();
    r.turn.sink.trace("model_invocation", new JsonObject().put("runtime", arn.substring(arn.indexOf('/') + 1)).put("qualifier", qualifier));
    signer.sign(SdkHttpMethod.POST, uri, headers, body.getBytes())
        .compose(signed -> send(uri, signed, body, call))
        .onSuccess(resp -> {
          if (resp != null) {
            read(resp, call, r);
          }
        })
        .onFailure(call::fail);
  }

  /** Sends the signed call, unless the turn ended while it was signed (then nothing is sent). */
  private Future<HttpClientResponse> send(URI uri, MultiMap signed, Buffer body, StreamCall call) {
    if (!call.open()) {
      return Future.succeededFuture();
    }
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString()).setHeaders(signed);
    return http.request(opts).compose(request -> {
      call.abortWith(request::reset); // a cancelled turn closes the stream
      return request.send(body);
    });
  }

  private static void read(HttpClientResponse resp, StreamCall call, Round r) {
    if (resp.statusCode() != 200) {
      resp.body().onComplete(b -> call.fail(refused(resp, b.succeeded() ? b.result() : Buffer.buffer())));
      return;
    }
    String type = String.valueOf(resp.getHeader("Content-Type"));
    AgentCoreEvents events = new AgentCoreEvents(r);
    if (type.startsWith("text/event-stream")) {
      ServerSentEvents.read(resp, call, events::event);
    } else if (type.startsWith("application/json")) {
      Buffer whole = Buffer.buffer();
      resp.handler(b -> {
        call.touch();
        whole.appendBuffer(b);
      });
      resp.exceptionHandler(call::fail);
      resp.endHandler(v -> {
        if (call.open()) {
          try {
            events.reply(whole.toString());
          } catch (RuntimeException e) {
            call.fail(e);
            return;
          }
        }
        call.end();
      });
    } else {
      call.abort(new Malformed("content type " + type));
    }
  }

  /** An error answer: REST-JSON with the error type in {@code x-amzn-ErrorType} and {@code {"message": ...}}. */
  private static Refused refused(HttpClientResponse resp, Buffer body) {
    String type = resp.getHeader("x-amzn-ErrorType");
    if (type != null && type.contains(":")) {
      type = type.substring(0, type.indexOf(':'));
    }
    String message = body.toString();
    try {
      JsonObject json = body.toJsonObject();
      message = json.getString("message", json.getString("Message", message));
    } catch (RuntimeException e) {
      // not JSON: the body as it is
    }
    return new Refused(resp.statusCode(), type, message);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    http.close();
    signer.close();
  }
}
