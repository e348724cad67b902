package dev.portcullis.server.observe;

import java.util.concurrent.TimeUnit;

import dev.portcullis.server.config.GatewayConfig;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The OpenTelemetry SDK for the gateway: every request has a span with a trace id (it appears in logs), and
 * spans are recorded and exported over OTLP/HTTP only when {@code telemetry.otlp.endpoint} is configured.
 * Without an endpoint the spans are not recorded (sampler "always off"): they carry ids and nothing else, so
 * a request pays for no attributes or span processing that nothing would read. Not registered as the global
 * instance.
 */
public final class Telemetry implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Telemetry.class.getName());

    private final OpenTelemetrySdk sdk;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /**
     * Creates the SDK from configuration.
     *
     * @param config telemetry settings
     * @return the telemetry
     */
    public static Telemetry create(GatewayConfig.Telemetry config) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.serviceName())));
        SdkTracerProviderBuilder tracing = SdkTracerProvider.builder().setResource(resource)
                // exporting, the gateway records every request it serves, whatever the caller's sampled flag says:
                // a caller's traceparent continues its trace but cannot keep its requests out of the gateway's
                .setSampler(config.otlpEndpoint().isPresent() ? Sampler.alwaysOn() : Sampler.alwaysOff());
        config.otlpEndpoint().ifPresent(endpoint -> {
            OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint);
            for (String header : config.otlpHeaders()) {
                int eq = header.indexOf('=');
                exporter.addHeader(header.substring(0, eq).trim(), header.substring(eq + 1).trim());
            }
            tracing.addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build());
            LOGGER.log(System.Logger.Level.INFO, "Exporting traces over OTLP/HTTP to " + endpoint);
        });
        return new Telemetry(OpenTelemetrySdk.builder().setTracerProvider(tracing.build()).build());
    }

    /**
     * @return the OpenTelemetry API entry point
     */
    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    @Override
    public void close() {
        sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
    }
}
