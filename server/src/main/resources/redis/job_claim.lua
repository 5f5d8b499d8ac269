-- Claims one period of a job for one node: the first node to ask in a period (by Redis's clock)
-- gets it. KEYS[1] job key prefix  ARGV[1] period ms  ARGV[2] node id
-- Returns 1 when this node runs the job for the current period.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[1])
local slot = math.floor(now / period)
local key = KEYS[1] .. ':' .. string.format('%d', slot)
if redis.call('SET', key, ARGV[2], 'NX', 'PX', period * 2) then
  return 1
end
return 0
