-- A user came online on this node: SADD, and a set that has no expiry (SADD just created it) gets
-- the node's TTL in the same step, so a node killed before its next heartbeat leaves no set behind.
-- KEYS[1] this node's user set  ARGV[1] ttl ms  ARGV[2] user id
local added = redis.call('SADD', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return added
