-- Appends one conversation's messages to a session's cache, once.
-- KEYS[1] messages (list), KEYS[2] conversation ids (set), KEYS[3] meta (hash)
-- ARGV[1] conversation id, ARGV[2] TTL in ms, ARGV[3] most messages kept,
-- ARGV[4] '1' when the session is new (the cache then holds all of it), ARGV[5..] messages (JSON)
-- Returns 1 when appended, 0 when this conversation was already there (a replay).
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
    return 0
end
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('HSET', KEYS[3], 'complete', ARGV[4])
end
redis.call('RPUSH', KEYS[1], unpack(ARGV, 5))
local cap = tonumber(ARGV[3])
if redis.call('LLEN', KEYS[1]) > cap then
    redis.call('LTRIM', KEYS[1], -cap, -1)
    redis.call('HSET', KEYS[3], 'complete', '0')
end
for i = 1, 3 do
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return 1
