package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class SchemaMigrationTest {

    @Inject
    Pool pool;

    @Test
    void flyway_atStart_createsLockFencesTable() {
        Row row = pool.query("SELECT to_regclass('public.lock_fences')::text AS name").execute()
                .await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        assertEquals("lock_fences", row.getString("name"));
    }
}
