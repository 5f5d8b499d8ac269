-- A node's presence heartbeat. KEYS[1] node zset (member node id, score = deadline ms)
-- KEYS[2] this node's user set. ARGV[1] node id  ARGV[2] ttl ms  ARGV[3] user-set key prefix
-- Returns 1 when this node's user set exists (its TTL was refreshed), 0 when it is missing.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('DEL', ARGV[3] .. dead)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return redis.call('PEXPIRE', KEYS[2], ttl)
