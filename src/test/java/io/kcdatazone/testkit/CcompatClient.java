package io.kcdatazone.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A minimal client for Confluent's Schema Registry REST API, as Apicurio Registry serves it under
 * {@code /apis/ccompat/v7}: only the calls the tests make, with the paths and media type a Confluent client uses.
 */
public final class CcompatClient {

    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl the API root, e.g. {@code http://127.0.0.1:8080/apis/ccompat/v7}
     */
    public CcompatClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    }

    /** The global compatibility level, e.g. {@code BACKWARD}. */
    public String globalCompatibility() {
        return call(get("/config")).path("compatibilityLevel").asText();
    }

    /** Sets the global compatibility level for every subject without its own. */
    public void setGlobalCompatibility(String level) {
        call(request("/config").PUT(body(Map.of("compatibility", level))).build());
    }

    /**
     * Registers an Avro schema under a subject (or finds it there) and returns its id.
     */
    public int register(String subject, String avroSchema) {
        HttpRequest request = request("/subjects/" + subject + "/versions")
                .POST(body(Map.of("schema", avroSchema)))
                .build();
        return call(request).path("id").asInt();
    }

    /** Sets the compatibility level of one subject, overriding the global one. */
    public void setCompatibility(String subject, String level) {
        call(request("/config/" + subject).PUT(body(Map.of("compatibility", level))).build());
    }

    /**
     * Asks whether an Avro schema may become the next version of a subject, under the subject's compatibility
     * level, as {@code POST /compatibility/subjects/{subject}/versions/latest} answers.
     */
    public boolean isCompatibleWithLatest(String subject, String avroSchema) {
        HttpRequest request = request("/compatibility/subjects/" + subject + "/versions/latest")
                .POST(body(Map.of("schema", avroSchema)))
                .build();
        return call(request).path("is_compatible").asBoolean();
    }

    /** The schema text registered under an id, as a Confluent deserializer fetches it. */
    public String schemaById(int id) {
        return call(get("/schemas/ids/" + id)).path("schema").asText();
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", MEDIA_TYPE)
                .header("Content-Type", MEDIA_TYPE);
    }

    private HttpRequest.BodyPublisher body(Map<String, String> fields) {
        try {
            return HttpRequest.BodyPublishers.ofString(json.writeValueAsString(fields));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + request.method() + " " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable answer from " + request.uri(), e);
        }
    }
}
