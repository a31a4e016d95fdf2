package io.agentchat.agent;

import io.agentchat.Services;
import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.agent.AgentMessages.CancelInvocation;
import io.agentchat.agent.AgentMessages.Chunk;
import io.agentchat.agent.AgentMessages.StreamReady;
import io.agentchat.agent.AgentMessages.TraceStep;
import io.agentchat.common.Bus;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.NodeLocal;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs turns on the configured backend. Output goes, in order, to the turn's {@link TurnStream}; the reply to the invoke
 * request is the turn's result. Calls go through a circuit breaker per tenant, so a failing backend is not hammered and
 * one tenant whose turns keep failing or hanging (a prompt that breaks the model, a tool that never answers) cannot open
 * the circuit for every other tenant. Deployed once per core; the instances of a node share the tenants' circuits.
 */
public final class AgentVerticle extends CapabilityVerticle<AgentConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  /**
   * A turn's stream is told of to the session actor on this node (the invoke address is node-local), at once: in cluster
   * mode a send that is not local-only would first look the address up in the cluster.
   */
  private static final DeliveryOptions STREAM = new DeliveryOptions().setLocalOnly(true);
  private final Map<String, Invocation> running = new HashMap<>();
  private AgentBackend backend;
  /** The configured provider: offline, bedrock-agent, bedrock-converse, bedrock-agentcore or openai. */
  private String provider;
  /** The node's circuits (one per tenant) and latency timers, shared by the instances. */
  private Shared shared;
  private CircuitBreakerOptions breakerOptions;
  private WebClient client;

  public AgentVerticle(Services services, AgentConfig config) {
    super(services, config);
  }

  /** What the instances of one deployment share on a node: a circuit breaker is safe to use from several event loops. */
  private record Shared(Map<String, CircuitBreaker> breakers, Map<String, Timer> latency) {
  }

  /** One running turn and its cancellation state. */
  private final class Invocation implements AgentBackend.Sink {
    private final AgentRequest req;
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean cancelled;
    /** Chunks sent to the stream so far. */
    private int sent;

    Invocation(AgentRequest req) {
      this.req = req;
    }

    @Override
    public void chunk(String text) {
      if (!cancelled) {
        sent++;
        queue(new Chunk(req.turnId(), text));
      }
    }

    @Override
    public void trace(String step, JsonObject detail) {
      queue(new TraceStep(req.turnId(), step, detail));
    }

    /** Queues output on the turn's stream, and tells the session when it has not been told of output waiting there. */
    private void queue(Object item) {
      if (req.stream().offer(item)) {
        vertx.eventBus().send(req.streamAddress(), new StreamReady(req.turnId()), STREAM);
      }
    }

    @Override
    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
      onCancel.add(action);
    }

    void cancel() {
      if (!cancelled) {
        cancelled = true;
        onCancel.forEach(Runnable::run);
      }
    }
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setUserAgent("agent-chat"));
    WeatherTool weather = new WeatherTool(client, config.weatherForecastBaseUrl(), config.weatherGeocodingBaseUrl(), config.weatherTimeoutMs());
    AgentTools tools = new AgentTools(vertx, services.tiers(), weather);
    provider = config.provider();
    backend = backend(config, tools);
    shared = NodeLocal.of(vertx, sharedName(), () -> new Shared(new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
    breakerOptions = new CircuitBreakerOptions().setMaxFailures(5).setTimeout(config.timeoutMs()).setResetTimeout(30_000)
        .setFallbackOnFailure(false).setNotificationAddress(null); // no periodic state broadcast per tenant
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<AgentRequest>localConsumer(AgentAddresses.INVOKE, m -> Bus.reply(m, this::invoke, LOG)),
        bus.<CancelInvocation>localConsumer(AgentAddresses.CANCEL, m -> {
          Invocation inv = running.get(m.body().turnId());
          if (inv != null) {
            inv.cancel();
          }
        }),
        bus.<Object>localConsumer(AgentAddresses.READY, m -> Bus.reply(m, v -> ready(), LOG)));
    LOG.info("agent backend: {}", provider);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private AgentBackend backend(AgentConfig config, AgentTools tools) {
    return switch (provider) {
      case "bedrock-agent" -> new BedrockAgentBackend(vertx, config);
      case "bedrock-converse" -> new BedrockConverseBackend(vertx, config, tools, services.pricing());
      case "openai" -> new OpenAiBackend(vertx, config, tools);
      case "bedrock-agentcore" -> new BedrockAgentCoreBackend(vertx, config, tools);
      default -> new OfflineAgent(vertx, services.tiers(), tools, config.chunkDelayMs(), config.offlineChunks(), config.offlineModel());
    };
  }

  /** The tenant's circuit, made on its first turn (one small object per tenant that has chatted since the start). */
  private CircuitBreaker breaker(String tenantId) {
    return shared.breakers().computeIfAbsent(tenantId, t -> CircuitBreaker.create("agent-" + provider, vertx, breakerOptions));
  }

  private Future<AgentResult> invoke(AgentRequest req) {
    CircuitBreaker breaker = breaker(req.identity().tenantId());
    Invocation inv = new Invocation(req);
    running.put(req.turnId(), inv);
    TraceHeaders.genAi(req, provider, backend.requestModel(req.identity().tier()));
    long started = System.nanoTime();
    return breaker.<AgentResult>execute(p -> backend.invoke(req, inv).map(r -> r.streamed(inv.sent)).onComplete(p))
        .recover(t -> {
          inv.cancel(); // a timed-out or failed call must not go on producing
          if (breaker.state() == CircuitBreakerState.OPEN) {
            return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("The agent is unavailable right now; please try again shortly."));
          }
          LOG.warn("agent call failed tenant={} turn={}: {}", req.identity().tenantId(), req.turnId(), t.toString());
          return Future.failedFuture(ErrorCode.AGENT_ERROR.exception("The agent could not answer: " + t.getMessage()));
        })
        .onComplete(ar -> {
          running.remove(req.turnId());
          String outcome = ar.failed() ? "error" : ar.result().status();
          shared.latency().computeIfAbsent(outcome + "/" + req.identity().tier(), k -> Timer.builder("agentchat.agent.latency")
                  .tag("provider", provider).tag("outcome", outcome).tag("tier", req.identity().tier()).register(services.meters()))
              .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        });
  }

  /** The backend's own readiness; open circuits are counted but do not make the server unready (they are per tenant). */
  private Future<JsonObject> ready() {
    long open = shared.breakers().values().stream().filter(b -> b.state() == CircuitBreakerState.OPEN).count();
    return backend.ready().map(v -> new JsonObject().put("backend", provider).put("open_circuits", open));
  }

  private String sharedName() {
    return "agent." + deploymentID();
  }

  @Override
  public Future<?> stop() {
    running.values().forEach(Invocation::cancel);
    if (NodeLocal.release(vertx, sharedName())) {
      shared.breakers().values().forEach(CircuitBreaker::close);
    }
    client.close();
    backend.close();
    return Future.succeededFuture();
  }
}
