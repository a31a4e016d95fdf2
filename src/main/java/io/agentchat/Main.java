package io.agentchat;

import io.agentchat.cluster.ClusterNode;
import io.agentchat.common.StopBudget;
import io.agentchat.config.AppConfig;
import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the server: configuration validated once, Vert.x with metrics, the application, and a clean stop on SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), System.getProperty("conf"));
    } catch (ConfigException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // bounded labels only: no paths, no remote addresses. No event-bus meters: they are looked up on every message (a
    // streamed reply is dozens of messages a turn), and the product's own counters say what the bus carries per turn
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    // one event loop per core: the capabilities that carry the chat run one instance per core, and nothing blocks a loop
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics).setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
    Vertx vertx;
    try {
      vertx = config.cluster().enabled()
          ? ClusterNode.start(Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry)), options, config.cluster())
              .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS)
          : Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    } catch (Exception e) {
      LOG.error("could not join the cluster: {}", (e.getCause() != null ? e.getCause() : e).toString());
      System.exit(1);
      return;
    }
    App app;
    try {
      app = App.start(vertx, config, registry).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConfigException ce) {
        LOG.error("invalid configuration: {}", ce.getMessage());
      } else {
        LOG.error("start-up failed: {}", cause.toString(), cause);
      }
      vertx.close();
      System.exit(cause instanceof ConfigException ? 2 : 1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping");
      try {
        app.stop().toCompletionStage().toCompletableFuture().get(StopBudget.TOTAL.toMillis(), TimeUnit.MILLISECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(StopBudget.VERTX_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.error("stop did not complete cleanly: {}", e.toString());
      }
    }, "shutdown"));
  }
}
