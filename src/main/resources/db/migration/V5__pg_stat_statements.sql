-- For GET /api/debug/postgres/slow-queries. Creating the extension needs rights the service's
-- user may lack, and the view works only when the server preloads the library; either way the
-- endpoint then falls back to pg_stat_activity, so a refusal here is not an error.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_stat_statements not available: %', SQLERRM;
END
$$;
