package io.zantara.collection;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.zantara.api.ContentHash;
import io.zantara.lock.Fence;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Documents of a collection under the collection's lock: ingestion EXCLUSIVE, search SHARED. */
@ApplicationScoped
public class CollectionService {

    private final LockFamily locks;
    private final Pool pool;
    private final CollectionRepository repository;

    public CollectionService(LockManager locks, Pool pool, CollectionRepository repository) {
        this.locks = locks.collection();
        this.pool = pool;
        this.repository = repository;
    }

    public Uni<CollectionRecords.IngestedView> ingest(String collection, List<CollectionRecords.DocumentInput> documents) {
        List<CollectionRepository.NewDocument> byId = lastPerId(documents);
        return locks.withHold(collection, LockMode.EXCLUSIVE, "ingest", hold -> pool.withTransaction(tx ->
                Fence.check(tx, "collection:" + collection, hold)
                        .chain(() -> repository.upsert(tx, collection, byId))
                        .map(changed -> new CollectionRecords.IngestedView(collection, changed, documents.size() - changed))));
    }

    public Uni<CollectionRecords.SearchView> search(String collection, String query, int limit) {
        return locks.withLock(collection, LockMode.SHARED, "search",
                () -> repository.search(collection, query, limit).map(CollectionRecords.SearchView::new));
    }

    /** Within one request the last document of an id wins (one row per id, as a replay would give). */
    private static List<CollectionRepository.NewDocument> lastPerId(List<CollectionRecords.DocumentInput> documents) {
        Map<String, CollectionRepository.NewDocument> byId = new LinkedHashMap<>();
        for (CollectionRecords.DocumentInput doc : documents) {
            String hash = ContentHash.of(doc.content());
            String id = doc.id() != null ? doc.id() : hash;
            JsonObject metadata = doc.metadata() == null ? new JsonObject() : new JsonObject(doc.metadata());
            byId.remove(id);
            byId.put(id, new CollectionRepository.NewDocument(id, doc.content(), hash, metadata));
        }
        return List.copyOf(byId.values());
    }
}
