package io.zantara.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/**
 * The slowest statements by mean time from {@code pg_stat_statements}, or, where that extension is
 * not loaded, the longest-running active queries from {@code pg_stat_activity}. The answer says
 * which.
 */
@Path("/api/debug/postgres/slow-queries")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "debug")
@SecurityRequirement(name = "jwt")
public class SlowQueriesResource {

    private static final int QUERY_TEXT = 500;

    private static final String STATEMENTS = """
            SELECT left(query, $2) AS query, calls, mean_exec_time, max_exec_time, total_exec_time
            FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT $1""";

    private static final String ACTIVITY = """
            SELECT left(query, $2) AS query, state,
                   extract(epoch FROM clock_timestamp() - query_start) * 1000 AS running_ms
            FROM pg_stat_activity
            WHERE state <> 'idle' AND pid <> pg_backend_pid() AND query_start IS NOT NULL
            ORDER BY query_start LIMIT $1""";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueryView(String query, Long calls,
                            @JsonProperty("mean_ms") Double meanMs, @JsonProperty("max_ms") Double maxMs,
                            @JsonProperty("total_ms") Double totalMs, String state,
                            @JsonProperty("running_ms") Double runningMs) {
    }

    public record SlowQueriesView(String source, List<QueryView> queries) {
    }

    private final Pool pool;

    public SlowQueriesResource(Pool pool) {
        this.pool = pool;
    }

    @GET
    @Operation(summary = "Slowest PostgreSQL statements (admin only)")
    @APIResponse(responseCode = "403", description = "The token lacks the admin group")
    public Uni<SlowQueriesView> slowQueries(@QueryParam("limit") @DefaultValue("10") @Min(1) @Max(100) int limit) {
        return pool.preparedQuery(STATEMENTS).execute(Tuple.of(limit, QUERY_TEXT))
                .map(rows -> new SlowQueriesView("pg_stat_statements", map(rows, SlowQueriesResource::statement)))
                .onFailure().recoverWithUni(unavailable -> pool.preparedQuery(ACTIVITY).execute(Tuple.of(limit, QUERY_TEXT))
                        .map(rows -> new SlowQueriesView("pg_stat_activity", map(rows, SlowQueriesResource::activity))));
    }

    private static QueryView statement(Row row) {
        return new QueryView(row.getString("query"), row.getLong("calls"), row.getDouble("mean_exec_time"),
                row.getDouble("max_exec_time"), row.getDouble("total_exec_time"), null, null);
    }

    private static QueryView activity(Row row) {
        return new QueryView(row.getString("query"), null, null, null, null, row.getString("state"),
                row.getNumeric("running_ms") == null ? null : row.getNumeric("running_ms").doubleValue());
    }

    private static List<QueryView> map(RowSet<Row> rows, java.util.function.Function<Row, QueryView> mapper) {
        List<QueryView> views = new ArrayList<>();
        for (Row row : rows) {
            views.add(mapper.apply(row));
        }
        return views;
    }
}
