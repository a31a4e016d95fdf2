package io.agentchat.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing: one span per chat turn, exported over OTLP/HTTP when an endpoint is configured and a no-op
 * otherwise. Tenant and user ids go into span attributes (never into metric tags).
 */
public final class Telemetry {
  private final OpenTelemetry otel;
  private final SdkTracerProvider provider;

  private Telemetry(OpenTelemetry otel, SdkTracerProvider provider) {
    this.otel = otel;
    this.provider = provider;
  }

  public static Telemetry off() {
    return new Telemetry(OpenTelemetry.noop(), null);
  }

  /** {@code endpoint} is the collector's base URL, e.g. http://localhost:4318 (spans go to /v1/traces). */
  public static Telemetry otlp(String endpoint, String serviceName) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").setTimeout(Duration.ofSeconds(10)).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder().put("service.name", serviceName).build())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(500)).build())
        .build();
    return new Telemetry(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), provider);
  }

  public Tracer tracer() {
    return otel.getTracer("io.agentchat");
  }

  /** Exports what is pending and stops. Blocking: call it off the event loop. */
  public void close() {
    if (provider != null) {
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
