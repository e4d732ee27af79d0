-- KEYS[1] lock key; ARGV[1] token, ARGV[2] release channel, ARGV[3] resource name.
-- Deletes the lock only if this token holds it, and tells every replica it is free.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
