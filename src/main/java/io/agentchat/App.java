package io.agentchat;

import io.agentchat.agent.AgentMessages;
import io.agentchat.auth.AuthMessages;
import io.agentchat.auth.CognitoAuthVerticle;
import io.agentchat.auth.CognitoTokenVerifier;
import io.agentchat.auth.JwtTokenVerifier;
import io.agentchat.auth.SigningKeys;
import io.agentchat.auth.TokenVerifier;
import io.agentchat.common.Resources;
import io.agentchat.config.AppConfig;
import io.agentchat.config.ConfigException;
import io.agentchat.metering.MeteringMessages;
import io.agentchat.metering.Pricing;
import io.agentchat.session.SessionMessages;
import io.agentchat.store.Store;
import io.agentchat.store.Stores;
import io.agentchat.tier.TierCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application on one Vert.x instance: shared services, then the verticles of {@code verticles/*.json} deployed one
 * after another in {@link #ORDER}, failing fast. {@link #stop()} undeploys in reverse order (so turns in flight are settled
 * while metering and the store are still up) and closes the store last.
 */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  /** Deployment order: what a verticle calls is deployed before it. */
  public static final List<String> ORDER = List.of("audit", "auth", "apikey", "metering", "agent", "session", "report", "gateway");
  /** Local map with facts known only at run time, such as the HTTP port actually bound. */
  public static final String RUNTIME = "agentchat.runtime";
  public static final String HTTP_PORT = "http.port";

  /**
   * One deployment descriptor from {@code verticles/<name>.json}; {@code instances} is a number or {@code "cores"}, one
   * instance per core the process may run on (which honours {@code taskset} and container limits).
   */
  public record Descriptor(String name, String className, int instances, boolean worker, List<String> sections) {
    static Descriptor load(String name) {
      String key = "verticles/" + name + ".json";
      JsonObject json;
      try {
        json = new JsonObject(Resources.read(key, key));
      } catch (RuntimeException e) {
        throw e instanceof ConfigException ce ? ce : new ConfigException(key, "is not valid JSON");
      }
      Object cfg = json.getValue("config");
      List<String> sections = new ArrayList<>();
      if (cfg instanceof String s) {
        sections.add(s);
      } else if (cfg instanceof JsonArray a) {
        a.forEach(o -> sections.add(String.valueOf(o)));
      }
      Object count = json.getValue("instances", 1);
      int instances = "cores".equals(count) ? Runtime.getRuntime().availableProcessors() : count instanceof Integer n ? n : -1;
      if (instances < 1 || instances > 64) {
        throw new ConfigException(key + ".instances", "must be between 1 and 64, or \"cores\" for one instance per core");
      }
      String cls = json.getString("class");
      if (cls == null) {
        throw new ConfigException(key + ".class", "is required");
      }
      return new Descriptor(json.getString("name", name), cls, instances, json.getBoolean("worker", false), List.copyOf(sections));
    }
  }

  private final Vertx vertx;
  private final Services services;
  private final List<String> deployments = new ArrayList<>();

  private App(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public Services services() {
    return services;
  }

  public static Future<App> start(Vertx vertx, AppConfig config, MeterRegistry meters) {
    return start(vertx, config, meters, Clock.systemUTC());
  }

  /** Starts with the clock that metering and sessions read the time from. */
  public static Future<App> start(Vertx vertx, AppConfig config, MeterRegistry meters, Clock clock) {
    io.agentchat.audit.AuditMessages.registerCodecs(vertx);
    AuthMessages.registerCodecs(vertx);
    io.agentchat.apikey.ApiKeyMessages.registerCodecs(vertx);
    io.agentchat.client.ClientFrame.registerCodec(vertx);
    MeteringMessages.registerCodecs(vertx);
    AgentMessages.registerCodecs(vertx);
    SessionMessages.registerCodecs(vertx);
    io.agentchat.report.ReportMessages.registerCodecs(vertx);
    Future<Services> services = vertx.executeBlocking(() -> {
      TierCatalog tiers = TierCatalog.load(config.tiersFile());
      Pricing pricing = Pricing.load(config.pricingFile());
      Path keyFile = config.auth().local().signingKeyFile();
      if (keyFile != null && !java.nio.file.Files.isReadable(keyFile)) {
        throw new ConfigException("auth.local.signingKeyFile", "cannot read " + keyFile);
      }
      SigningKeys keys = keyFile != null ? SigningKeys.load(keyFile) : SigningKeys.loadOrCreate(config.store().dataDir());
      List<Descriptor> descriptors = ORDER.stream().map(Descriptor::load).toList();
      return new Object[] {tiers, pricing, keys, descriptors};
    }).compose(parts -> openStore(vertx, config, clock).map(store -> {
      SigningKeys keys = (SigningKeys) parts[2];
      TokenVerifier provider = config.auth().cognitoMode() ? new CognitoTokenVerifier(vertx, config.auth().cognito()).prefetch()
          : new JwtTokenVerifier(vertx, new JsonArray().add(keys.publicJwk()), config.auth().local().issuer(),
          config.auth().local().clientId());
      io.agentchat.auth.Revocations revocations = new io.agentchat.auth.Revocations();
      io.agentchat.tier.Plans plans = new io.agentchat.tier.Plans(store.identity());
      TokenVerifier verifier = new io.agentchat.auth.CheckedTokens(provider, revocations, plans);
      TierCatalog tiers = (TierCatalog) parts[0];
      tiers.watch(vertx, 5000);
      io.agentchat.telemetry.Telemetry telemetry = config.telemetry().otlpEndpoint() == null ? io.agentchat.telemetry.Telemetry.off()
          : io.agentchat.telemetry.Telemetry.otlp(config.telemetry().otlpEndpoint(), config.telemetry().serviceName());
      return new Services(store, tiers, (Pricing) parts[1], keys, verifier, meters, telemetry, clock, revocations, plans);
    })).compose(s -> s.revocations().refresh(s.store().identity(), Instant.now()).map(s)); // tokens follow the wall clock
    return services.compose(s -> {
      App app = new App(vertx, s);
      Future<Void> chain = Future.succeededFuture();
      for (String name : ORDER) {
        chain = chain.compose(v -> app.deploy(Descriptor.load(name), config));
      }
      return chain.map(app).recover(t -> app.stop().transform(ignored -> Future.failedFuture(t)));
    });
  }

  /** Opens the configured store. */
  public static Future<Store> openStore(Vertx vertx, AppConfig config) {
    return openStore(vertx, config, Clock.systemUTC());
  }

  /** Opens the configured store, judging retention by {@code clock}. */
  public static Future<Store> openStore(Vertx vertx, AppConfig config, Clock clock) {
    return Stores.open(vertx, config.store(), clock);
  }

  /**
   * Deploys one descriptor's verticle. Its class takes the shared services and the configuration records of the sections
   * the descriptor names, in that order: {@code GatewayVerticle(Services, HttpConfig, AuthConfig, SessionConfig)}.
   */
  private Future<Void> deploy(Descriptor d, AppConfig config) {
    // in Cognito mode the identity capability is the facade over the user pool
    String className = "auth".equals(d.name()) && config.auth().cognitoMode() ? CognitoAuthVerticle.class.getName() : d.className();
    Object[] args = new Object[d.sections().size() + 1];
    Class<?>[] types = new Class<?>[args.length];
    args[0] = services;
    types[0] = Services.class;
    for (int i = 0; i < d.sections().size(); i++) {
      args[i + 1] = config.section(d.sections().get(i));
      types[i + 1] = args[i + 1].getClass();
    }
    Constructor<?> constructor;
    try {
      constructor = Class.forName(className).getConstructor(types);
    } catch (ClassNotFoundException e) {
      return Future.failedFuture(new ConfigException("verticles/" + d.name() + ".json.class", "no class " + className));
    } catch (NoSuchMethodException e) {
      return Future.failedFuture(new ConfigException("verticles/" + d.name() + ".json.config", className + " takes no "
          + Arrays.stream(types).map(Class::getSimpleName).toList() + "; the sections must match its constructor"));
    }
    Supplier<Deployable> supplier = () -> {
      try {
        return (Deployable) constructor.newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create " + className, e);
      }
    };
    DeploymentOptions options = new DeploymentOptions().setInstances(d.instances())
        .setThreadingModel(d.worker() ? ThreadingModel.WORKER : ThreadingModel.EVENT_LOOP);
    return vertx.deployVerticle(supplier, options).map(id -> {
      deployments.add(id);
      LOG.info("deployed {} ({} instance{})", d.name(), d.instances(), d.instances() == 1 ? "" : "s");
      return null;
    });
  }

  /** Undeploys in reverse order, then closes the store (flushing every pending write). */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).otherwise(t -> {
        LOG.warn("undeploy failed: {}", t.toString());
        return null;
      }));
    }
    deployments.clear();
    return chain.compose(v -> {
      services.tiers().stopWatching(vertx);
      services.tokens().close();
      return vertx.executeBlocking(() -> {
        services.telemetry().close();
        return null;
      }).compose(x -> services.store().close());
    });
  }

  /** The HTTP port actually bound (the configured one, or the one picked for port 0). */
  public int httpPort() {
    Object p = vertx.sharedData().getLocalMap(RUNTIME).get(HTTP_PORT);
    return p == null ? -1 : (Integer) p;
  }

  /** The store, for tests and maintenance commands. */
  public Store store() {
    return services.store();
  }
}
