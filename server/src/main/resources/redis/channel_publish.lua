-- Appends one publication to a channel's history and publishes it, atomically, so every node
-- hears a channel's publications in offset order.
-- KEYS[1] meta hash {epoch, offset}   KEYS[2] history stream (ids "<offset>-0", fields f=frame t=ms)
-- ARGV[1] frame bytes before the offset   ARGV[2] frame bytes after it
-- ARGV[3] history size   ARGV[4] history ttl ms   ARGV[5] meta ttl ms
-- ARGV[6] pub/sub channel   ARGV[7] envelope header up to the offset ("h1F|-|type|0|")
-- ARGV[8] epoch for a new meta   ARGV[9] epoch this node knew ('' = none)   ARGV[10] offset it knew
-- Returns {offset, epoch}.
local meta, log = KEYS[1], KEYS[2]
if redis.call('HSETNX', meta, 'epoch', ARGV[8]) == 1 then
  -- new channel, or its keys expired or were lost: start a new epoch unless this node remembers one
  redis.call('DEL', log)
  if ARGV[9] ~= '' then
    redis.call('HSET', meta, 'epoch', ARGV[9], 'offset', ARGV[10])
  end
end
local off = redis.call('HINCRBY', meta, 'offset', 1)
local epoch = redis.call('HGET', meta, 'epoch')
local offs = string.format('%d', off)
local frame = ARGV[1] .. offs .. ARGV[2]
local size = tonumber(ARGV[3])
if size > 0 then
  local t = redis.call('TIME')
  local ms = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  local ok = redis.pcall('XADD', log, 'MAXLEN', size, offs .. '-0', 'f', frame, 't', ms)
  if type(ok) == 'table' and ok.err then
    redis.call('DEL', log)
    redis.call('XADD', log, 'MAXLEN', size, offs .. '-0', 'f', frame, 't', ms)
  end
  redis.call('PEXPIRE', log, ARGV[4])
end
redis.call('PEXPIRE', meta, ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[7] .. offs .. '|' .. epoch .. '\n' .. frame)
return {off, epoch}
