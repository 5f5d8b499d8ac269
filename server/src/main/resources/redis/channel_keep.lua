-- Run by every node for the channels it has subscribers for, on each heartbeat and after a
-- reconnect: keeps their meta alive, and restores it if Redis lost it, so offsets never restart
-- under a live subscriber (it would drop every publication up to the offset it has seen).
-- KEYS: meta1, log1, meta2, log2, ...   ARGV[1] meta ttl ms, then per channel: epoch, offset
for i = 1, #KEYS / 2 do
  local meta, log = KEYS[2 * i - 1], KEYS[2 * i]
  local epoch, off = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  if redis.call('EXISTS', meta) == 0 then
    if epoch ~= '' then
      redis.call('DEL', log)
      redis.call('HSET', meta, 'epoch', epoch, 'offset', off)
      redis.call('PEXPIRE', meta, ARGV[1])
    end
  else
    if tonumber(redis.call('HGET', meta, 'offset') or '0') < off then
      redis.call('HSET', meta, 'offset', off)
    end
    redis.call('PEXPIRE', meta, ARGV[1])
  end
end
return #KEYS / 2
