-- Pusher presence-channel members, across nodes (redis.RedisChannelMembers).
-- KEYS[1] zset of node incarnations (member = node id '.' random, score = deadline ms)
-- KEYS[2] set of presence channels that have entries   KEYS[3] the channel's hash (when one)
-- A hash field is '<incarnation>|<socket id>', its value '<user id>\n<user_info JSON or empty>'.
-- An entry counts while its incarnation's deadline is in the future: a node that dies stops
-- beating and its members vanish from every answer within the TTL; 'reap' then deletes them.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = ARGV[1]

local function alive(field)
  local node = string.match(field, '^([^|]*)|')
  local s = node and redis.call('ZSCORE', KEYS[1], node)
  return s and tonumber(s) > now
end

local function user(value)
  return string.match(value, '^([^\n]*)')
end

-- live users of a hash: user id -> value, and how many
local function users(key)
  local all = redis.call('HGETALL', key)
  local out, n = {}, 0
  for i = 1, #all, 2 do
    if alive(all[i]) then
      local u = user(all[i + 1])
      if out[u] == nil then
        out[u] = all[i + 1]
        n = n + 1
      end
    end
  end
  return out, n
end

if mode == 'beat' then
  -- ARGV[2] incarnation  ARGV[3] ttl ms
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return 1
elseif mode == 'join' then
  -- ARGV[2] field  ARGV[3] value  ARGV[4] user  ARGV[5] max users  ARGV[6] hash ttl ms  ARGV[7] channel
  -- returns {first, full}
  local present, n = users(KEYS[3])
  if present[ARGV[4]] == nil and n >= tonumber(ARGV[5]) then
    return {0, 1}
  end
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[6]))
  redis.call('SADD', KEYS[2], ARGV[7])
  if present[ARGV[4]] == nil then
    return {1, 0}
  end
  return {0, 0}
elseif mode == 'leave' then
  -- ARGV[2] field  ARGV[3] user  ARGV[4] channel; returns 1 when the user has no live entry left
  if redis.call('HDEL', KEYS[3], ARGV[2]) == 0 then
    return 0
  end
  local present = users(KEYS[3])
  if redis.call('EXISTS', KEYS[3]) == 0 then
    redis.call('SREM', KEYS[2], ARGV[4])
  end
  if present[ARGV[3]] == nil then
    return 1
  end
  return 0
elseif mode == 'members' then
  local present = users(KEYS[3])
  local out = {}
  for _, v in pairs(present) do
    out[#out + 1] = v
  end
  return out
elseif mode == 'channels' then
  -- ARGV[2] hash key prefix; returns channel, user count, channel, user count, …
  local out = {}
  for _, ch in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    local _, n = users(ARGV[2] .. ch)
    if n > 0 then
      out[#out + 1] = ch
      out[#out + 1] = n
    elseif redis.call('EXISTS', ARGV[2] .. ch) == 0 then
      redis.call('SREM', KEYS[2], ch)
    end
  end
  return out
elseif mode == 'reap' then
  -- ARGV[2] channel: deletes dead incarnations' entries; returns the users left with none
  local all = redis.call('HGETALL', KEYS[3])
  local dead = {}
  for i = 1, #all, 2 do
    if not alive(all[i]) then
      redis.call('HDEL', KEYS[3], all[i])
      dead[#dead + 1] = user(all[i + 1])
    end
  end
  if #dead == 0 then
    return {}
  end
  local present = users(KEYS[3])
  local gone, seen = {}, {}
  for _, u in ipairs(dead) do
    if present[u] == nil and not seen[u] then
      gone[#gone + 1] = u
      seen[u] = true
    end
  end
  if redis.call('EXISTS', KEYS[3]) == 0 then
    redis.call('SREM', KEYS[2], ARGV[2])
  end
  return gone
end
return redis.error_reply('unknown mode ' .. tostring(mode))
