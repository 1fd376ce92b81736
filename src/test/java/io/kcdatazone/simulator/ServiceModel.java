package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The official DataZone service model (botocore's {@code service-2.json}, copied into the test resources), read
 * for what a response must look like.
 */
final class ServiceModel {
    private static final String RESOURCE = "/aws-model/datazone-2018-05-10.service-2.json";

    private final JsonNode model;

    private ServiceModel(JsonNode model) {
        this.model = model;
    }

    static ServiceModel load() {
        try (InputStream in = ServiceModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return new ServiceModel(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String protocol() {
        return model.path("metadata").path("protocol").asText();
    }

    JsonNode operation(String name) {
        JsonNode operation = model.path("operations").path(name);
        if (operation.isMissingNode()) {
            throw new IllegalArgumentException("the model has no operation " + name);
        }
        return operation;
    }

    String outputShape(String operation) {
        return operation(operation).path("output").path("shape").asText();
    }

    List<String> declaredErrors(String operation) {
        List<String> errors = new ArrayList<>();
        operation(operation).path("errors").forEach(error -> errors.add(error.path("shape").asText()));
        return errors;
    }

    JsonNode shape(String name) {
        JsonNode shape = model.path("shapes").path(name);
        if (shape.isMissingNode()) {
            throw new IllegalArgumentException("the model has no shape " + name);
        }
        return shape;
    }
}
