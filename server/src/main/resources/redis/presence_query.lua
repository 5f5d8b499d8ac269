-- Cluster-wide presence: the union of the user sets of live nodes (deadline in the future).
-- KEYS[1] node zset  KEYS[2] scratch key for counting
-- ARGV[1] user-set key prefix  ARGV[2] 'count' | 'users' | 'among'  ARGV[3..] user ids (among)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local keys = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  keys[#keys + 1] = ARGV[1] .. node
end
local mode = ARGV[2]
if #keys == 0 then
  if mode == 'count' then return 0 end
  return {}
end
if mode == 'count' then
  if #keys == 1 then return redis.call('SCARD', keys[1]) end
  local n = redis.call('SUNIONSTORE', KEYS[2], unpack(keys))
  redis.call('DEL', KEYS[2])
  return n
elseif mode == 'users' then
  if #keys == 1 then return redis.call('SMEMBERS', keys[1]) end
  return redis.call('SUNION', unpack(keys))
end
local out = {}
for j = 3, #ARGV do
  for _, k in ipairs(keys) do
    if redis.call('SISMEMBER', k, ARGV[j]) == 1 then
      out[#out + 1] = ARGV[j]
      break
    end
  end
end
return out
