package io.kcdatazone.simulator;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;

/** The conformance suite through the asynchronous client on the Netty HTTP client. */
class AsyncClientConformanceTest extends DataZoneSdkConformanceTest {
    private static SdkAsyncHttpClient httpClient;
    private DataZoneAsyncClient client;

    @BeforeAll
    static void createHttpClient() {
        httpClient = NettyNioAsyncHttpClient.create();
    }

    @AfterAll
    static void closeHttpClient() {
        httpClient.close();
    }

    @Override
    DataZoneApi connect(URI endpoint) {
        client = SdkClients.async(endpoint, httpClient);
        return DataZoneApi.of(client);
    }

    @Override
    void disconnect() {
        client.close();
    }
}
