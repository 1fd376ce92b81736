package io.kcdatazone.simulator;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.DataZoneClient;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRequest;
import software.amazon.awssdk.services.datazone.model.GetDataSourceResponse;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRunRequest;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.GetDomainRequest;
import software.amazon.awssdk.services.datazone.model.GetDomainResponse;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunActivitiesRequest;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunActivitiesResponse;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunsRequest;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunsResponse;
import software.amazon.awssdk.services.datazone.model.ListDataSourcesRequest;
import software.amazon.awssdk.services.datazone.model.ListDataSourcesResponse;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunRequest;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * The seven simulated operations and the activities paginator, called through either the real synchronous or the
 * real asynchronous SDK client, so one conformance suite covers both. Async failures are unwrapped from
 * {@link CompletionException} so both clients surface the same exception types.
 */
interface DataZoneApi {
    StartDataSourceRunResponse startDataSourceRun(StartDataSourceRunRequest request);

    GetDataSourceRunResponse getDataSourceRun(GetDataSourceRunRequest request);

    ListDataSourceRunsResponse listDataSourceRuns(ListDataSourceRunsRequest request);

    ListDataSourceRunActivitiesResponse listDataSourceRunActivities(ListDataSourceRunActivitiesRequest request);

    /** Every page of a ListDataSourceRunActivities listing, as the SDK's own paginator fetches them. */
    List<ListDataSourceRunActivitiesResponse> listDataSourceRunActivitiesPages(
            ListDataSourceRunActivitiesRequest request);

    GetDataSourceResponse getDataSource(GetDataSourceRequest request);

    ListDataSourcesResponse listDataSources(ListDataSourcesRequest request);

    GetDomainResponse getDomain(GetDomainRequest request);

    default StartDataSourceRunResponse startDataSourceRun(Consumer<StartDataSourceRunRequest.Builder> request) {
        return startDataSourceRun(StartDataSourceRunRequest.builder().applyMutation(request).build());
    }

    default GetDataSourceRunResponse getDataSourceRun(Consumer<GetDataSourceRunRequest.Builder> request) {
        return getDataSourceRun(GetDataSourceRunRequest.builder().applyMutation(request).build());
    }

    default ListDataSourceRunsResponse listDataSourceRuns(Consumer<ListDataSourceRunsRequest.Builder> request) {
        return listDataSourceRuns(ListDataSourceRunsRequest.builder().applyMutation(request).build());
    }

    default ListDataSourceRunActivitiesResponse listDataSourceRunActivities(
            Consumer<ListDataSourceRunActivitiesRequest.Builder> request) {
        return listDataSourceRunActivities(ListDataSourceRunActivitiesRequest.builder().applyMutation(request)
                .build());
    }

    default List<ListDataSourceRunActivitiesResponse> listDataSourceRunActivitiesPages(
            Consumer<ListDataSourceRunActivitiesRequest.Builder> request) {
        return listDataSourceRunActivitiesPages(ListDataSourceRunActivitiesRequest.builder().applyMutation(request)
                .build());
    }

    default GetDataSourceResponse getDataSource(Consumer<GetDataSourceRequest.Builder> request) {
        return getDataSource(GetDataSourceRequest.builder().applyMutation(request).build());
    }

    default ListDataSourcesResponse listDataSources(Consumer<ListDataSourcesRequest.Builder> request) {
        return listDataSources(ListDataSourcesRequest.builder().applyMutation(request).build());
    }

    default GetDomainResponse getDomain(Consumer<GetDomainRequest.Builder> request) {
        return getDomain(GetDomainRequest.builder().applyMutation(request).build());
    }

    static DataZoneApi of(DataZoneClient client) {
        return new DataZoneApi() {
            @Override
            public StartDataSourceRunResponse startDataSourceRun(StartDataSourceRunRequest request) {
                return client.startDataSourceRun(request);
            }

            @Override
            public GetDataSourceRunResponse getDataSourceRun(GetDataSourceRunRequest request) {
                return client.getDataSourceRun(request);
            }

            @Override
            public ListDataSourceRunsResponse listDataSourceRuns(ListDataSourceRunsRequest request) {
                return client.listDataSourceRuns(request);
            }

            @Override
            public ListDataSourceRunActivitiesResponse listDataSourceRunActivities(
                    ListDataSourceRunActivitiesRequest request) {
                return client.listDataSourceRunActivities(request);
            }

            @Override
            public List<ListDataSourceRunActivitiesResponse> listDataSourceRunActivitiesPages(
                    ListDataSourceRunActivitiesRequest request) {
                return client.listDataSourceRunActivitiesPaginator(request).stream().toList();
            }

            @Override
            public GetDataSourceResponse getDataSource(GetDataSourceRequest request) {
                return client.getDataSource(request);
            }

            @Override
            public ListDataSourcesResponse listDataSources(ListDataSourcesRequest request) {
                return client.listDataSources(request);
            }

            @Override
            public GetDomainResponse getDomain(GetDomainRequest request) {
                return client.getDomain(request);
            }
        };
    }

    static DataZoneApi of(DataZoneAsyncClient client) {
        return new DataZoneApi() {
            @Override
            public StartDataSourceRunResponse startDataSourceRun(StartDataSourceRunRequest request) {
                return join(client::startDataSourceRun, request);
            }

            @Override
            public GetDataSourceRunResponse getDataSourceRun(GetDataSourceRunRequest request) {
                return join(client::getDataSourceRun, request);
            }

            @Override
            public ListDataSourceRunsResponse listDataSourceRuns(ListDataSourceRunsRequest request) {
                return join(client::listDataSourceRuns, request);
            }

            @Override
            public ListDataSourceRunActivitiesResponse listDataSourceRunActivities(
                    ListDataSourceRunActivitiesRequest request) {
                return join(client::listDataSourceRunActivities, request);
            }

            @Override
            public List<ListDataSourceRunActivitiesResponse> listDataSourceRunActivitiesPages(
                    ListDataSourceRunActivitiesRequest request) {
                List<ListDataSourceRunActivitiesResponse> pages = new CopyOnWriteArrayList<>();
                join(page -> client.listDataSourceRunActivitiesPaginator(page).subscribe(pages::add), request);
                return List.copyOf(pages);
            }

            @Override
            public GetDataSourceResponse getDataSource(GetDataSourceRequest request) {
                return join(client::getDataSource, request);
            }

            @Override
            public ListDataSourcesResponse listDataSources(ListDataSourcesRequest request) {
                return join(client::listDataSources, request);
            }

            @Override
            public GetDomainResponse getDomain(GetDomainRequest request) {
                return join(client::getDomain, request);
            }
        };
    }

    private static <Q, R> R join(Function<Q, CompletableFuture<R>> call, Q request) {
        try {
            return call.apply(request).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
