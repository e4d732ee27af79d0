-- An outbox entry's conversation is in PostgreSQL: acknowledge it and delete it, both or neither,
-- so that the stream's length stays exactly what is not yet in the database.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] entry id
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
