-- Replaces this node's user set with what the node holds (after Redis lost it, or after a command
-- failed while Redis was unreachable). KEYS[1] user set  ARGV[1] ttl ms  ARGV[2..] user ids
redis.call('DEL', KEYS[1])
local i = 2
while i <= #ARGV do
  local j = math.min(i + 999, #ARGV)
  redis.call('SADD', KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
if #ARGV >= 2 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return #ARGV - 1
