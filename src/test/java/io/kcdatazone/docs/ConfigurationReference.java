package io.kcdatazone.docs;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes {@value #FILE}, the configuration reference, from the connectors' {@link ConfigDef}s: settings both
 * connectors share first, then each connector's own, grouped and ordered as the ConfigDefs declare them. Internal
 * settings (those the connectors set on their tasks) are left out. {@code ConfigurationReferenceTest} fails when the
 * committed file differs from what this renders.
 *
 * <p>Run: {@code mvn -q -Pdocs process-test-classes}.
 */
public final class ConfigurationReference {

    static final String FILE = "docs/configuration.md";

    private ConfigurationReference() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : FILE);
        Files.writeString(file, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + file);
    }

    /** The whole reference as Markdown. */
    static String render() {
        Map<String, ConfigKey> sink = publicKeys(DataSourceRunSinkConfig.CONFIG_DEF);
        Map<String, ConfigKey> source = publicKeys(DataSourceRunSourceConfig.CONFIG_DEF);
        List<ConfigKey> shared = sink.values().stream().filter(key -> sameKey(key, source.get(key.name)))
                .collect(Collectors.toList());
        List<ConfigKey> sinkOnly = sink.values().stream().filter(key -> !shared.contains(key))
                .collect(Collectors.toList());
        List<ConfigKey> sourceOnly = source.values().stream()
                .filter(key -> shared.stream().noneMatch(s -> s.name.equals(key.name)))
                .collect(Collectors.toList());

        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from the connectors' ConfigDefs by io.kcdatazone.docs.ConfigurationReference")
                .append(" (mvn -q -Pdocs process-test-classes). Do not edit by hand. -->\n\n")
                .append("Connect's own connector settings (`name`, `connector.class`, `tasks.max`, `topics`, ")
                .append("converters, `errors.*`, `exactly.once.support`, `transaction.boundary`, ...) apply as ")
                .append("usual and are not repeated here. Example files: [`config/`](../config).\n\n")
                .append("- [Settings of both connectors](#settings-of-both-connectors)\n")
                .append("- [Sink connector](#sink-connector) (`io.kcdatazone.sink.DataSourceRunSinkConnector`)\n")
                .append("- [Source connector](#source-connector) (`io.kcdatazone.source.DataSourceRunSourceConnector`)")
                .append("\n\n");
        section(md, "Settings of both connectors", shared);
        section(md, "Sink connector", sinkOnly);
        section(md, "Source connector", sourceOnly);
        return md.toString();
    }

    private static Map<String, ConfigKey> publicKeys(ConfigDef def) {
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        def.configKeys().values().stream()
                .filter(key -> !key.internalConfig)
                .sorted(Comparator.comparingInt((ConfigKey key) -> groupIndex(def, key))
                        .thenComparingInt(key -> key.orderInGroup))
                .forEach(key -> keys.put(key.name, key));
        return keys;
    }

    private static int groupIndex(ConfigDef def, ConfigKey key) {
        int index = def.groups().indexOf(key.group);
        return index < 0 ? Integer.MAX_VALUE : index;
    }

    private static boolean sameKey(ConfigKey a, ConfigKey b) {
        return b != null && a.type == b.type && Objects.equals(a.documentation, b.documentation)
                && Objects.equals(a.defaultValue, b.defaultValue) && Objects.equals(a.group, b.group);
    }

    private static void section(StringBuilder md, String title, List<ConfigKey> keys) {
        md.append("## ").append(title).append("\n\n");
        String group = null;
        for (ConfigKey key : keys) {
            String keyGroup = key.group == null ? "Other" : key.group;
            if (!keyGroup.equals(group)) {
                group = keyGroup;
                md.append("### ").append(group).append("\n\n");
            }
            md.append("#### `").append(key.name).append("`\n\n")
                    .append(key.documentation).append("\n\n")
                    .append("- Type: ").append(key.type.name().toLowerCase(Locale.ROOT)).append('\n')
                    .append("- Default: ").append(defaultValue(key)).append('\n');
            if (key.validator != null) {
                md.append("- Valid values: ").append(key.validator).append('\n');
            }
            md.append("- Importance: ").append(key.importance.name().toLowerCase(Locale.ROOT)).append("\n\n");
        }
    }

    private static String defaultValue(ConfigKey key) {
        if (!key.hasDefault()) {
            return "none (required)";
        }
        if (key.defaultValue == null) {
            return "none";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "hidden";
        }
        Object value = key.defaultValue;
        if (value instanceof List) {
            value = ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(","));
        } else if (value instanceof Class) {
            value = ((Class<?>) value).getName();
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }
}
