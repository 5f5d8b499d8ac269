-- A channel's position, or its publications after an offset.
-- KEYS[1] meta hash   KEYS[2] history stream
-- ARGV[1] since (-1 = position only)   ARGV[2] expected epoch ('' = any)   ARGV[3] epoch for a new meta
-- ARGV[4] history ttl ms   ARGV[5] meta ttl ms   ARGV[6] epoch this node knew ('' = none)   ARGV[7] its offset
-- Returns {offset, epoch, recovered (0/1), offset1, frame1, offset2, frame2, ...}.
local meta, log = KEYS[1], KEYS[2]
if redis.call('HSETNX', meta, 'epoch', ARGV[3]) == 1 then
  redis.call('DEL', log)
  if ARGV[6] ~= '' then
    redis.call('HSET', meta, 'epoch', ARGV[6], 'offset', ARGV[7])
  else
    redis.call('HSET', meta, 'offset', 0)
  end
  redis.call('PEXPIRE', meta, ARGV[5])
end
local epoch = redis.call('HGET', meta, 'epoch')
local off = tonumber(redis.call('HGET', meta, 'offset') or '0')
local since = tonumber(ARGV[1])
if since < 0 then
  return {off, epoch, 1}
end
if (ARGV[2] ~= '' and ARGV[2] ~= epoch) or since > off then
  return {off, epoch, 0}
end
if since == off then
  return {off, epoch, 1}
end
local entries = redis.call('XRANGE', log, string.format('%d', since + 1), '+')
if #entries == 0 then
  return {off, epoch, 0}
end
local t = redis.call('TIME')
local cutoff = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[4])
local out = {off, epoch, 1}
for i, e in ipairs(entries) do
  local eoff = tonumber(string.match(e[1], '^(%d+)'))
  local fields = e[2]
  if i == 1 and (eoff ~= since + 1 or tonumber(fields[4]) < cutoff) then
    return {off, epoch, 0}
  end
  out[#out + 1] = eoff
  out[#out + 1] = fields[2]
end
return out
