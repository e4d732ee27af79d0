-- Takes one conversation's messages back out of a session's cache (its save was refused).
-- KEYS[1] messages (list), KEYS[2] conversation ids (set); ARGV[1] conversation id, ARGV[2..] messages (JSON)
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then
    return 0
end
for i = 2, #ARGV do
    redis.call('LREM', KEYS[1], -1, ARGV[i])
end
return 1
