-- Binds an unbound connection (bind flow) exactly once, cluster-wide. KEYS[1] the connection's
-- claim key, set by its node while the connection waits unbound. ARGV[1] the connection's topic,
-- ARGV[2] the bind envelope.
-- Returns -1 when there is nothing to claim (bound already, closed, or never was), else the
-- number of nodes the bind was published to (0: the node that held it is gone).
if redis.call('DEL', KEYS[1]) == 0 then
  return -1
end
return redis.call('PUBLISH', ARGV[1], ARGV[2])
