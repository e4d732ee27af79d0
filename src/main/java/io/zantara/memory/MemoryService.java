package io.zantara.memory;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.zantara.api.ContentHash;
import io.zantara.api.Problem;
import io.zantara.api.ProblemException;
import io.zantara.lock.Fence;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A user's memory under the user's lock: fact writes EXCLUSIVE (and fenced with the Redis
 * backend, in the write's own transaction), context reads SHARED.
 */
@ApplicationScoped
public class MemoryService {

    private final LockFamily locks;
    private final Pool pool;
    private final MemoryRepository repository;

    public MemoryService(LockManager locks, Pool pool, MemoryRepository repository) {
        this.locks = locks.memory();
        this.pool = pool;
        this.repository = repository;
    }

    public Uni<MemoryRecords.FactsSavedView> addFacts(String userId, List<MemoryRecords.FactInput> facts) {
        List<MemoryRepository.NewFact> distinct = distinct(facts);
        return locks.withHold(userId, LockMode.EXCLUSIVE, "add_facts", hold -> pool.withTransaction(tx ->
                Fence.check(tx, fenceOf(userId), hold)
                        .chain(() -> repository.insertFacts(tx, userId, distinct))
                        .chain(saved -> repository.refreshProfile(tx, userId)
                                .map(total -> new MemoryRecords.FactsSavedView(saved, facts.size() - saved, total)))));
    }

    public Uni<MemoryRecords.ContextView> context(String userId, int limit) {
        return locks.withLock(userId, LockMode.SHARED, "get_context", () -> repository.context(userId, limit));
    }

    /** Deletes the caller's own fact; another user's fact or an unknown id is 404, alike. */
    public Uni<Void> deleteFact(String userId, UUID id) {
        return locks.withHold(userId, LockMode.EXCLUSIVE, "delete_fact", hold -> pool.withTransaction(tx ->
                Fence.check(tx, fenceOf(userId), hold)
                        .chain(() -> repository.deleteFact(tx, userId, id))
                        .chain(deleted -> deleted
                                ? repository.refreshProfile(tx, userId).replaceWithVoid()
                                : Uni.createFrom().failure(notFound()))));
    }

    static ProblemException notFound() {
        return new ProblemException(Problem.of("not-found", "Not Found", 404, "No such fact"));
    }

    private static String fenceOf(String userId) {
        return "memory:" + userId;
    }

    /** One fact per content identity; the first spelling wins. */
    private static List<MemoryRepository.NewFact> distinct(List<MemoryRecords.FactInput> facts) {
        Set<String> seen = new HashSet<>();
        List<MemoryRepository.NewFact> distinct = new ArrayList<>(facts.size());
        for (MemoryRecords.FactInput fact : facts) {
            String hash = ContentHash.ofNormalized(fact.content());
            if (seen.add(hash)) {
                distinct.add(new MemoryRepository.NewFact(fact.content().strip(), hash, fact.category(), fact.confidence()));
            }
        }
        return distinct;
    }
}
