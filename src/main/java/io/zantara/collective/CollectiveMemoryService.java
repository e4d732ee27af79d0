package io.zantara.collective;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.zantara.api.ContentHash;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;


/** Contributions to collective memory: the database resolves races; no application lock. */
@ApplicationScoped
public class CollectiveMemoryService {

    private static final Logger LOG = Logger.getLogger(CollectiveMemoryService.class);

    private final Pool pool;
    private final CollectiveMemoryRepository repository;
    private final Counter promotions;

    public CollectiveMemoryService(Pool pool, CollectiveMemoryRepository repository, MeterRegistry registry) {
        this.pool = pool;
        this.repository = repository;
        this.promotions = Counter.builder("zantara.collective.promotions")
                .description("Collective memories promoted (reached three distinct contributors)").register(registry);
    }

    public Uni<CollectiveRecords.ContributionView> contribute(String userId, String content, String category) {
        String hash = ContentHash.ofNormalized(content);
        return pool.withTransaction(tx -> repository.upsert(tx, hash, content.strip(), category)
                .chain(memory -> repository.addContributor(tx, memory.id(), userId).chain(isNew -> {
                    if (memory.created()) {
                        return repository.counts(tx, memory.id()).map(counts -> view("created", memory, counts));
                    }
                    if (!isNew) {
                        return repository.counts(tx, memory.id()).map(counts -> view("already_contributed", memory, counts));
                    }
                    return repository.countContributor(tx, memory.id()).map(counts -> view("confirmed", memory, counts)
                            .withPromotion(counts.promotedNow()));
                })))
                .invoke(outcome -> {
                    if (outcome.promotedNow()) {
                        promotions.increment();
                        LOG.infof("collective memory %s promoted", outcome.view().memoryId());
                    }
                })
                .map(Outcome::view);
    }

    /** The answer, and whether this contribution was the one that promoted the memory (after commit). */
    private record Outcome(CollectiveRecords.ContributionView view, boolean promotedNow) {
        Outcome withPromotion(boolean promoted) {
            return new Outcome(view, promoted);
        }
    }

    private static Outcome view(String status, CollectiveMemoryRepository.Memory memory,
                                CollectiveMemoryRepository.Counts counts) {
        return new Outcome(new CollectiveRecords.ContributionView(status, memory.id(), counts.sourceCount(), counts.promoted()), false);
    }
}
