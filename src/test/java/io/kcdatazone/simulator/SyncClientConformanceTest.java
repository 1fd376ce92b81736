package io.kcdatazone.simulator;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.datazone.DataZoneClient;

/** The conformance suite through the synchronous client on the Apache HTTP client. */
class SyncClientConformanceTest extends DataZoneSdkConformanceTest {
    private static SdkHttpClient httpClient;
    private DataZoneClient client;

    @BeforeAll
    static void createHttpClient() {
        httpClient = ApacheHttpClient.create();
    }

    @AfterAll
    static void closeHttpClient() {
        httpClient.close();
    }

    @Override
    DataZoneApi connect(URI endpoint) {
        client = SdkClients.sync(endpoint, httpClient);
        return DataZoneApi.of(client);
    }

    @Override
    void disconnect() {
        client.close();
    }
}
