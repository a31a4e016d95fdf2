package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.common.TokenEstimate;
import io.agentchat.config.AppConfig.AgentConfig;
import io.agentchat.config.AppConfig.BedrockAgent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.ActionGroupInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.BadGatewayException;
import software.amazon.awssdk.services.bedrockagentruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentRequest;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponseHandler;
import software.amazon.awssdk.services.bedrockagentruntime.model.Metadata;
import software.amazon.awssdk.services.bedrockagentruntime.model.ModelInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockagentruntime.model.Observation;
import software.amazon.awssdk.services.bedrockagentruntime.model.OrchestrationTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.SessionState;
import software.amazon.awssdk.services.bedrockagentruntime.model.StreamingConfigurations;
import software.amazon.awssdk.services.bedrockagentruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockagentruntime.model.Trace;

/**
 * Amazon Bedrock Agents (InvokeAgent). One agent serves every tenant: the tenant context travels as session attributes.
 * Chunks stream to the user as they arrive; tokens are summed over every model invocation reported in the traces (so
 * traces are always on). The SDK's own retry is off, because it would replay the whole stream: throttling and server
 * errors are retried here, with backoff, only while nothing has reached the user.
 */
public final class BedrockAgentBackend implements AgentBackend {
  private static final Logger LOG = LoggerFactory.getLogger(BedrockAgentBackend.class);
  private static final int MAX_SESSION_ID = 100;

  private final Vertx vertx;
  private final AgentConfig config;
  private final BedrockAgent bedrock;
  private final BedrockAgentRuntimeAsyncClient client;

  public BedrockAgentBackend(Vertx vertx, AgentConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.bedrock = config.bedrockAgent();
    var builder = BedrockAgentRuntimeAsyncClient.builder()
        .region(Region.of(bedrock.region()))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (bedrock.endpoint() != null) {
      builder.endpointOverride(URI.create(bedrock.endpoint()));
    }
    this.client = builder.build();
  }

  @Override
  public String name() {
    return "bedrock-agent";
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  @Override
  public void close() {
    client.close();
  }

  /** Bedrock session ids are at most 100 characters: the session key, or a stable digest of it when longer. */
  static String sessionId(AgentRequest req) {
    String key = req.sessionKey();
    if (key.length() <= MAX_SESSION_ID) {
      return key;
    }
    return req.identity().tenantId() + "-" + req.identity().tier() + "-" + Ids.sha256Hex(key).substring(0, 40);
  }

  InvokeAgentRequest request(AgentRequest req) {
    Map<String, String> attributes = Map.of(
        "tenant_id", req.identity().tenantId(),
        "user_id", req.identity().userId(),
        "subscription_tier", req.identity().tier(),
        "organization_type", "tenant",
        "user_role", req.identity().role());
    Map<String, String> prompt = Map.of(
        "request_type", "chat",
        "tenant_context", "Tenant " + req.identity().tenantId() + " on the " + req.identity().tier() + " plan; user role "
            + req.identity().role() + ".",
        "cost_tracking", "tenant_id=" + req.identity().tenantId() + ";user_id=" + req.identity().userId() + ";turn_id=" + req.turnId());
    StreamingConfigurations.Builder streaming = StreamingConfigurations.builder().streamFinalResponse(true);
    if (bedrock.guardrailInterval() > 0) {
      streaming.applyGuardrailInterval(bedrock.guardrailInterval());
    }
    return InvokeAgentRequest.builder()
        .agentId(bedrock.agentId())
        .agentAliasId(bedrock.alias(req.identity().tier()))
        .sessionId(sessionId(req))
        .inputText(req.message())
        .enableTrace(true)
        .sessionState(SessionState.builder().sessionAttributes(attributes).promptSessionAttributes(prompt).build())
        .streamingConfigurations(streaming.build())
        .build();
  }

  @Override
  public Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    return attempt(req, sink, 0);
  }

  /** What one call produced so far. */
  private static final class Progress {
    final StringBuilder text = new StringBuilder();
    final List<String> tools = new ArrayList<>();
    long inputTokens;
    long outputTokens;
    boolean usageSeen;
    String model;
  }

  private Future<AgentResult> attempt(AgentRequest req, Sink sink, int attempt) {
    Context ctx = vertx.getOrCreateContext();
    Promise<AgentResult> done = Promise.promise();
    Progress p = new Progress();
    CompletableFuture<?>[] call = new CompletableFuture<?>[1];
    StreamGuard guard = new StreamGuard(vertx, config.timeoutMs(), config.idleTimeoutMs(), done, () -> {
      if (call[0] != null) {
        call[0].cancel(true);
      }
    });
    sink.onCancel(() -> ctx.runOnContext(v -> {
      if (call[0] != null) {
        call[0].cancel(true);
      }
      guard.done();
      done.tryComplete(result(p, "cancelled", null));
    }));
    InvokeAgentResponseHandler handler = InvokeAgentResponseHandler.builder()
        .subscriber(InvokeAgentResponseHandler.Visitor.builder()
            .onChunk(part -> ctx.runOnContext(v -> {
              if (done.future().isComplete() || sink.cancelled()) {
                return;
              }
              guard.touch();
              String t = part.bytes() == null ? "" : part.bytes().asUtf8String();
              if (!t.isEmpty()) {
                p.text.append(t);
                sink.chunk(t);
              }
            }))
            .onTrace(part -> ctx.runOnContext(v -> {
              if (!done.future().isComplete() && part.trace() != null) {
                guard.touch();
                trace(part.trace(), p, sink);
              }
            }))
            .build())
        // onError may fire twice (the exception, then a CompletionException around it): completing is idempotent
        .onError(t -> ctx.runOnContext(v -> failed(req, sink, attempt, p, unwrap(t), done, guard)))
        .onComplete(() -> ctx.runOnContext(v -> {
          guard.done();
          done.tryComplete(result(p, sink.cancelled() ? "cancelled" : "completed", null));
        }))
        .build();
    call[0] = client.invokeAgent(request(req), handler);
    call[0].whenComplete((r, t) -> {
      if (t != null) {
        ctx.runOnContext(v -> failed(req, sink, attempt, p, unwrap(t), done, guard));
      }
    });
    return done.future().recover(t -> t instanceof Retry r ? retry(req, sink, attempt, r) : Future.failedFuture(t));
  }

  /** Signals that the call may be made again (nothing reached the user). */
  private static final class Retry extends RuntimeException {
    Retry(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  private Future<AgentResult> retry(AgentRequest req, Sink sink, int attempt, Retry r) {
    long delay = 200L << (2 * attempt);
    LOG.warn("bedrock agent call failed before any output (attempt {} of {}), retrying in {} ms: tenant={} turn={} cause={}",
        attempt + 1, config.retries() + 1, delay, req.identity().tenantId(), req.turnId(), r.getCause().toString());
    Promise<AgentResult> p = Promise.promise();
    vertx.setTimer(delay, id -> {
      if (sink.cancelled()) {
        p.complete(new AgentResult("cancelled", "", 0, 0, false, bedrock.model(), List.of(), null));
      } else {
        attempt(req, sink, attempt + 1).onComplete(p);
      }
    });
    return p.future();
  }

  private void failed(AgentRequest req, Sink sink, int attempt, Progress p, Throwable t, Promise<AgentResult> done, StreamGuard guard) {
    if (done.future().isComplete()) {
      return;
    }
    guard.done();
    if (sink.cancelled()) {
      done.tryComplete(result(p, "cancelled", null));
    } else if (p.text.length() == 0 && retryable(t) && attempt < config.retries()) {
      done.tryFail(new Retry(t));
    } else if (p.text.length() > 0) {
      // part of the answer reached the user: the turn ends here, metered for what it produced
      done.tryComplete(result(p, "failed", describe(t)));
    } else {
      done.tryFail(ErrorCode.AGENT_ERROR.exception(describe(t)));
    }
  }

  private AgentResult result(Progress p, String status, String error) {
    String text = p.text.toString();
    if (!p.usageSeen) {
      // no model usage in the traces: count locally and say so, never record zero
      return new AgentResult(status, text, 0, TokenEstimate.of(text), true, model(p), p.tools, error);
    }
    return new AgentResult(status, text, p.inputTokens, p.outputTokens, false, model(p), p.tools, error);
  }

  private String model(Progress p) {
    return p.model != null ? p.model : bedrock.model();
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static boolean retryable(Throwable t) {
    return t instanceof ThrottlingException || t instanceof InternalServerException || t instanceof BadGatewayException
        || t instanceof ModelNotReadyException || (t instanceof SdkClientException && !(t instanceof AppException));
  }

  private static String describe(Throwable t) {
    if (t instanceof ThrottlingException) {
      return "The model service is busy (throttled); please try again shortly.";
    }
    if (t instanceof AppException a) {
      return a.getMessage();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return "The agent service failed: " + (m.length() > 200 ? m.substring(0, 200) : m);
  }

  // ---------------------------------------------------------------- traces

  private static void usage(Metadata m, Progress p) {
    if (m != null && m.usage() != null) {
      p.usageSeen = true;
      p.inputTokens += m.usage().inputTokens() == null ? 0 : m.usage().inputTokens();
      p.outputTokens += m.usage().outputTokens() == null ? 0 : m.usage().outputTokens();
    }
  }

  private static void modelInput(ModelInvocationInput in, String phase, Progress p, Sink sink) {
    if (in != null) {
      if (in.foundationModel() != null) {
        p.model = in.foundationModel();
      }
      sink.trace("model_invocation", new JsonObject().put("phase", phase).put("model", in.foundationModel()));
    }
  }

  private static JsonObject usageJson(Metadata m) {
    return m == null || m.usage() == null ? new JsonObject()
        : new JsonObject().put("input_tokens", m.usage().inputTokens()).put("output_tokens", m.usage().outputTokens());
  }

  /** Maps one Bedrock trace event to the product's trace steps and adds up its usage. */
  static void trace(Trace t, Progress p, Sink sink) {
    if (t.orchestrationTrace() != null) {
      OrchestrationTrace o = t.orchestrationTrace();
      if (o.rationale() != null) {
        sink.trace("rationale", new JsonObject().put("text", o.rationale().text()));
      }
      modelInput(o.modelInvocationInput(), "orchestration", p, sink);
      if (o.modelInvocationOutput() != null) {
        usage(o.modelInvocationOutput().metadata(), p);
        sink.trace("model_output", new JsonObject().put("phase", "orchestration").put("usage", usageJson(o.modelInvocationOutput().metadata())));
      }
      if (o.invocationInput() != null) {
        ActionGroupInvocationInput a = o.invocationInput().actionGroupInvocationInput();
        if (a != null) {
          String tool = a.function() != null ? a.function() : a.apiPath() != null ? a.apiPath() : a.actionGroupName();
          p.tools.add(tool);
          JsonArray params = new JsonArray();
          if (a.hasParameters()) {
            a.parameters().forEach(x -> params.add(new JsonObject().put("name", x.name()).put("value", x.value())));
          }
          sink.trace("tool_call", new JsonObject().put("tool", tool).put("action_group", a.actionGroupName()).put("input", params));
        }
        if (o.invocationInput().knowledgeBaseLookupInput() != null) {
          sink.trace("knowledge_base_lookup", new JsonObject()
              .put("knowledge_base_id", o.invocationInput().knowledgeBaseLookupInput().knowledgeBaseId())
              .put("text", o.invocationInput().knowledgeBaseLookupInput().text()));
        }
      }
      if (o.observation() != null) {
        Observation ob = o.observation();
        JsonObject d = new JsonObject().put("kind", ob.typeAsString());
        if (ob.actionGroupInvocationOutput() != null) {
          d.put("output", ob.actionGroupInvocationOutput().text());
        }
        if (ob.knowledgeBaseLookupOutput() != null && ob.knowledgeBaseLookupOutput().hasRetrievedReferences()) {
          d.put("references", ob.knowledgeBaseLookupOutput().retrievedReferences().size());
        }
        if (ob.finalResponse() != null) {
          d.put("final", true);
        }
        sink.trace("observation", d);
      }
    }
    if (t.preProcessingTrace() != null) {
      modelInput(t.preProcessingTrace().modelInvocationInput(), "pre_processing", p, sink);
      if (t.preProcessingTrace().modelInvocationOutput() != null) {
        usage(t.preProcessingTrace().modelInvocationOutput().metadata(), p);
      }
    }
    if (t.postProcessingTrace() != null) {
      modelInput(t.postProcessingTrace().modelInvocationInput(), "post_processing", p, sink);
      if (t.postProcessingTrace().modelInvocationOutput() != null) {
        usage(t.postProcessingTrace().modelInvocationOutput().metadata(), p);
      }
    }
    if (t.routingClassifierTrace() != null) {
      modelInput(t.routingClassifierTrace().modelInvocationInput(), "routing", p, sink);
      if (t.routingClassifierTrace().modelInvocationOutput() != null) {
        usage(t.routingClassifierTrace().modelInvocationOutput().metadata(), p);
      }
    }
    if (t.guardrailTrace() != null) {
      sink.trace("guardrail", new JsonObject().put("action", t.guardrailTrace().actionAsString()));
    }
    if (t.failureTrace() != null) {
      sink.trace("failure", new JsonObject().put("reason", t.failureTrace().failureReason()).put("code", t.failureTrace().failureCode()));
    }
  }
}
