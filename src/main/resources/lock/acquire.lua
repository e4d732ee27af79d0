-- KEYS[1] lock key, KEYS[2] fence key (same hash slot); ARGV[1] token, ARGV[2] ttl in ms.
-- Taken: returns the new fencing token (>= 1). Busy: returns -(remaining ttl in ms) - 1 (<= -1).
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return -ttl - 1
