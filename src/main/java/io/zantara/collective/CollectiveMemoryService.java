package io.zantara.collective;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

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
        String hash = identity(content);
        return pool.withTransaction(tx -> repository.upsert(tx, hash, content.strip(), category)
                .chain(memory -> repository.addContributor(tx, memory.id(), userId).chain(isNew -> {
                    if (memory.created()) {
                        return repository.counts(tx, memory.id()).map(counts -> view("created", memory, counts));
                    }
                    if (!isNew) {
                        return repository.counts(tx, memory.id()).map(counts -> view("already_contributed", memory, counts));
                    }
                    return repository.countContributor(tx, memory.id()).map(counts -> view("confirmed", memory, counts));
                })))
                .invoke(view -> {
                    if ("confirmed".equals(view.status()) && view.isPromoted()
                            && view.sourceCount() == CollectiveMemoryRepository.PROMOTION_THRESHOLD) {
                        promotions.increment();
                        LOG.infof("collective memory %s promoted", view.memoryId());
                    }
                });
    }

    private static CollectiveRecords.ContributionView view(String status, CollectiveMemoryRepository.Memory memory,
                                                           CollectiveMemoryRepository.Counts counts) {
        return new CollectiveRecords.ContributionView(status, memory.id(), counts.sourceCount(), counts.promoted());
    }

    /** The same normalization as personal facts: case, spacing and Unicode forms do not matter. */
    private static String identity(String content) {
        String normalized = Normalizer.normalize(content, Normalizer.Form.NFKC).strip().replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
