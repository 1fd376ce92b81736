package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The {@code configuration} union of a data source (and the {@code dataSourceConfigurationSnapshot} of its runs),
 * derived from the seeded type. Types other than GLUE and REDSHIFT have no configuration, which the model allows.
 */
final class DataSourceConfiguration {
    private DataSourceConfiguration() {
    }

    static Optional<ObjectNode> of(Seed.DataSource dataSource, Seed seed) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode filters = json.objectNode().put("databaseName", dataSource.database());
        ObjectNode union = json.objectNode();
        switch (dataSource.type()) {
            case "GLUE":
                ObjectNode glue = union.putObject("glueRunConfiguration");
                glue.put("accountId", seed.accountId()).put("region", seed.region());
                glue.putArray("relationalFilterConfigurations").add(filters);
                return Optional.of(union);
            case "REDSHIFT":
                ObjectNode redshift = union.putObject("redshiftRunConfiguration");
                redshift.put("accountId", seed.accountId()).put("region", seed.region());
                redshift.putObject("redshiftStorage").putObject("redshiftServerlessSource")
                        .put("workgroupName", "default-workgroup");
                redshift.putArray("relationalFilterConfigurations").add(filters);
                return Optional.of(union);
            default:
                return Optional.empty();
        }
    }
}
