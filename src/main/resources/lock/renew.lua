-- KEYS[i] lock keys; ARGV[1] ttl in ms, ARGV[i + 1] the token held on KEYS[i].
-- Extends every lease still held by its token; returns 1 (renewed) or 0 (lost) per key.
local renewed = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
