package io.kcdatazone.testkit;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings that make Apicurio's {@link AvroConverter} write Confluent's wire format (magic byte 0, a 4-byte schema id
 * that Confluent's ccompat API serves, Avro binary) instead of Apicurio's own, so that a Confluent consumer reads what
 * the workers in the tests write, as it would read {@code io.confluent.connect.avro.AvroConverter} output.
 */
public final class ApicurioAvroConverterConfig {

    private ApicurioAvroConverterConfig() {
    }

    /**
     * The converter's own settings (no prefix), for {@code converter.configure(settings, isKey)}.
     *
     * @param registryApiUrl Apicurio's native API, see {@link ApicurioRegistryProcess#registryApiUrl()}
     */
    public static Map<String, String> settings(String registryApiUrl) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(SerdeConfig.REGISTRY_URL, registryApiUrl);
        settings.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
        // A 4-byte id in the payload, as Confluent writes it (Apicurio's default is an 8-byte global id).
        settings.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        // The content id is the id the ccompat API serves at /schemas/ids/{id}.
        settings.put(SerdeConfig.USE_ID, "contentId");
        // The id goes into the payload, not into record headers.
        settings.put(SerdeConfig.ENABLE_HEADERS, "false");
        // Keep enum symbols and record namespaces, as Confluent's AvroData does.
        settings.put(AvroDataConfig.ENHANCED_AVRO_SCHEMA_SUPPORT_CONFIG, "true");
        return settings;
    }

    /**
     * Connector or worker properties that select the converter and configure it, e.g. for
     * {@code converterProperty = "value.converter"}: {@code value.converter=...AvroConverter},
     * {@code value.converter.apicurio.registry.url=...} and so on.
     */
    public static Map<String, String> properties(String converterProperty, String registryApiUrl) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(converterProperty, AvroConverter.class.getName());
        settings(registryApiUrl).forEach((name, value) -> properties.put(converterProperty + "." + name, value));
        return properties;
    }
}
