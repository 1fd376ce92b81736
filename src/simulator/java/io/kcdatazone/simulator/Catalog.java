package io.kcdatazone.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seeded part of the account: domains, projects and data sources, looked up the way the API does (an unknown id
 * is a ResourceNotFoundException). Nothing is added after the seed; a test may delete a data source.
 */
final class Catalog {
    private final Instant createdAt;
    private final Map<String, Seed.Domain> domains = new LinkedHashMap<>();
    private final Map<String, DataSourceEntry> dataSources = new LinkedHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    /**
     * A data source with the domain and project that own it.
     *
     * @param position the data source's place in seed order, used for stable paging
     */
    record DataSourceEntry(Seed.Domain domain, Seed.Project project, Seed.DataSource dataSource, long position) {
        String id() {
            return dataSource.id();
        }
    }

    Catalog(Seed seed, Instant createdAt) {
        this.createdAt = createdAt;
        long position = 0;
        for (Seed.Domain domain : seed.domains()) {
            domains.put(domain.id(), domain);
            for (Seed.Project project : domain.projects()) {
                for (Seed.DataSource dataSource : project.dataSources()) {
                    dataSources.put(dataSource.id(), new DataSourceEntry(domain, project, dataSource, position++));
                }
            }
        }
    }

    /** When the seeded resources were created: a fixed instant before the simulator started. */
    Instant createdAt() {
        return createdAt;
    }

    Seed.Domain domain(String domainId) {
        Seed.Domain domain = domains.get(domainId);
        if (domain == null) {
            throw ApiException.notFound("Domain " + domainId + " not found");
        }
        return domain;
    }

    DataSourceEntry dataSource(String domainId, String dataSourceId) {
        domain(domainId);
        DataSourceEntry entry = dataSources.get(dataSourceId);
        if (entry == null || !entry.domain().id().equals(domainId) || deleted.contains(dataSourceId)) {
            throw ApiException.notFound("Data source " + dataSourceId + " not found");
        }
        return entry;
    }

    /** The data source is gone: lookups of it answer ResourceNotFoundException, listings leave it out. */
    void delete(String domainId, String dataSourceId) {
        dataSource(domainId, dataSourceId);
        deleted.add(dataSourceId);
    }

    Seed.Project project(String domainId, String projectId) {
        return domain(domainId).projects().stream()
                .filter(project -> project.id().equals(projectId))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("Project " + projectId + " not found"));
    }

    List<DataSourceEntry> dataSourcesOf(String domainId, String projectId) {
        return dataSources.values().stream()
                .filter(entry -> entry.domain().id().equals(domainId) && entry.project().id().equals(projectId)
                        && !deleted.contains(entry.id()))
                .toList();
    }
}
