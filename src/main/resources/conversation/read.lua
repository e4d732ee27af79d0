-- The newest messages of a session's cache and whether the cache holds the whole session.
-- KEYS[1] messages (list), KEYS[2] meta (hash); ARGV[1] how many
-- Returns { complete ('1' or '0'), { message, ... } }
local complete = redis.call('HGET', KEYS[2], 'complete') or '0'
return { complete, redis.call('LRANGE', KEYS[1], -tonumber(ARGV[1]), -1) }
