/**
 * The Lua scripts of RedisRoomStore. Each runs atomically in Redis, so a
 * check and the change it guards (room capacity counted over every node, "only
 * if this connection still speaks for the member") cannot interleave with
 * another node's.
 *
 * Keys, under a prefix P (ARGV[1] of every script):
 *   P room:<room>           hash  peer id -> {"name","socketId"?,"node","awayUntil"?}
 *   P rooms                 set   rooms with at least one member (roomCount)
 *   P away                  zset  "<room> <id>" scored by the end of its grace period (ms)
 *   P node:<node>           string, with a TTL: the node is alive while it exists
 *   P node:<node>:members   set   "<room> <id>" of the members that node holds
 *   P nodes                 set   node ids, for the janitor to find dead ones
 * Room names and peer ids contain no space (validate.ts), so "<room> <id>" is
 * unambiguous. Keys are built inside the scripts: this needs a single Redis
 * (or a Sentinel-managed primary), not Redis Cluster.
 *
 * A member without socketId is away; the server's clock is Redis's TIME, so
 * that nodes with skewed clocks agree on when a grace period ends.
 */

const PRELUDE = `
local p = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function sid(m)
  if m.socketId == nil or m.socketId == cjson.null then return '' end
  return m.socketId
end
local function split(entry)
  return string.match(entry, '^(%S+) (%S+)$')
end
local function remove(room, id, m)
  local entry = room .. ' ' .. id
  redis.call('HDEL', p .. 'room:' .. room, id)
  if redis.call('EXISTS', p .. 'room:' .. room) == 0 then redis.call('SREM', p .. 'rooms', room) end
  if type(m.node) == 'string' then redis.call('SREM', p .. 'node:' .. m.node .. ':members', entry) end
  redis.call('ZREM', p .. 'away', entry)
end
local function away(room, id, m, untilMs)
  m.socketId = nil
  m.awayUntil = untilMs
  redis.call('HSET', p .. 'room:' .. room, id, cjson.encode(m))
  redis.call('ZADD', p .. 'away', untilMs, room .. ' ' .. id)
end
`;

/**
 * ARGV: p, room, id, name, socketId, node, maxPeers.
 * Returns {0} when full, {-1} when the node is not registered as alive (its
 * members could not be found by the janitor if it died), else
 * {1, resumed (0/1), replaced socket id or '', id1, name1, id2, name2, ...}.
 */
export const JOIN = `${PRELUDE}
local room, id, name, socket, node, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
if redis.call('EXISTS', p .. 'node:' .. node) == 0 then return {-1} end
local key = p .. 'room:' .. room
local entry = room .. ' ' .. id
local raw = redis.call('HGET', key, id)
if not raw and redis.call('HLEN', key) >= max then return {0} end
local replaced = ''
if raw then
  local old = cjson.decode(raw)
  if sid(old) ~= socket then replaced = sid(old) end
  if type(old.node) == 'string' and old.node ~= node then
    redis.call('SREM', p .. 'node:' .. old.node .. ':members', entry)
  end
end
redis.call('HSET', key, id, cjson.encode({name = name, socketId = socket, node = node}))
redis.call('SADD', p .. 'rooms', room)
redis.call('SADD', p .. 'node:' .. node .. ':members', entry)
redis.call('ZREM', p .. 'away', entry)
local reply = {1, raw and 1 or 0, replaced}
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  if all[i] ~= id then
    reply[#reply + 1] = all[i]
    reply[#reply + 1] = cjson.decode(all[i + 1]).name
  end
end
return reply
`;

/** ARGV: p, room, id, socketId ('' = the member must be away). Returns 1 if removed. */
export const LEAVE = `${PRELUDE}
local raw = redis.call('HGET', p .. 'room:' .. ARGV[2], ARGV[3])
if not raw then return 0 end
local m = cjson.decode(raw)
if sid(m) ~= ARGV[4] then return 0 end
remove(ARGV[2], ARGV[3], m)
return 1
`;

/** ARGV: p, room, id, socketId, graceMs. Returns 1 if the member is now away. */
export const MARK_AWAY = `${PRELUDE}
local raw = redis.call('HGET', p .. 'room:' .. ARGV[2], ARGV[3])
if not raw or ARGV[4] == '' then return 0 end
local m = cjson.decode(raw)
if sid(m) ~= ARGV[4] then return 0 end
away(ARGV[2], ARGV[3], m, now_ms() + tonumber(ARGV[5]))
return 1
`;

/** ARGV: p, limit. Removes away members whose grace period is over; returns {room1, id1, ...}. */
export const EXPIRE = `${PRELUDE}
local now = now_ms()
local removed = {}
for _, entry in ipairs(redis.call('ZRANGEBYSCORE', p .. 'away', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', p .. 'away', entry)
  local room, id = split(entry)
  local raw = room and redis.call('HGET', p .. 'room:' .. room, id)
  if raw then
    local m = cjson.decode(raw)
    if sid(m) == '' and (tonumber(m.awayUntil) or 0) <= now then
      remove(room, id, m)
      removed[#removed + 1] = room
      removed[#removed + 1] = id
    end
  end
end
return removed
`;

/** ARGV: p, node, ttlMs. Refreshes the node's liveness; returns 0 if it had lapsed (or Redis lost it). */
export const HEARTBEAT = `${PRELUDE}
local key = p .. 'node:' .. ARGV[2]
local existed = redis.call('EXISTS', key)
redis.call('SET', key, '1', 'PX', tonumber(ARGV[3]))
redis.call('SADD', p .. 'nodes', ARGV[2])
return existed
`;

/**
 * ARGV: p, graceMs. For every node whose liveness lapsed: its connected
 * members become away (their grace period starts now; EXPIRE ends it), and
 * the node is forgotten. Returns how many members it marked away.
 */
export const SWEEP = `${PRELUDE}
local now = now_ms()
local swept = 0
for _, node in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  if redis.call('EXISTS', p .. 'node:' .. node) == 0 then
    local set = p .. 'node:' .. node .. ':members'
    for _, entry in ipairs(redis.call('SMEMBERS', set)) do
      local room, id = split(entry)
      local raw = room and redis.call('HGET', p .. 'room:' .. room, id)
      if raw then
        local m = cjson.decode(raw)
        if m.node == node and sid(m) ~= '' then
          away(room, id, m, now + tonumber(ARGV[2]))
          swept = swept + 1
        end
      end
    end
    redis.call('DEL', set)
    redis.call('SREM', p .. 'nodes', node)
  end
end
return swept
`;

/**
 * ARGV: p, node, graceMs, ttlMs, JSON [{room, id, name, socketId|null, awayMs}]
 * (what this node believes it holds). Makes Redis agree with it after Redis
 * lost data, or commands failed, or the node was taken for dead:
 *  - a member missing from Redis is put back (away ones with their remaining grace);
 *  - a member of this node that Redis has as away, or under another of this
 *    node's connections, is re-attached to the connection the node has;
 *  - a connected member that Redis gives to this node but the node does not
 *    hold (a leave or mark-away that failed) becomes away.
 * Returns {released, room1, id1, name1, ...} with the connected members put back.
 */
export const RECONCILE = `${PRELUDE}
local node, grace = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local set = p .. 'node:' .. node .. ':members'
local connected = {}
local reply = {0}
for _, l in ipairs(cjson.decode(ARGV[5])) do
  local entry = l.room .. ' ' .. l.id
  local key = p .. 'room:' .. l.room
  local live = type(l.socketId) == 'string'
  if live then connected[entry] = l.socketId end
  local raw = redis.call('HGET', key, l.id)
  if not raw then
    local m = {name = l.name, node = node}
    if live then
      m.socketId = l.socketId
    else
      m.awayUntil = now + math.max(0, tonumber(l.awayMs) or 0)
      redis.call('ZADD', p .. 'away', m.awayUntil, entry)
    end
    redis.call('HSET', key, l.id, cjson.encode(m))
    redis.call('SADD', p .. 'rooms', l.room)
    redis.call('SADD', set, entry)
    if live then
      reply[#reply + 1] = l.room
      reply[#reply + 1] = l.id
      reply[#reply + 1] = l.name
    end
  else
    local m = cjson.decode(raw)
    if live and m.node == node and sid(m) ~= l.socketId then
      local wasAway = sid(m) == ''
      m.socketId = l.socketId
      m.awayUntil = nil
      redis.call('HSET', key, l.id, cjson.encode(m))
      redis.call('ZREM', p .. 'away', entry)
      redis.call('SADD', set, entry)
      if wasAway then
        reply[#reply + 1] = l.room
        reply[#reply + 1] = l.id
        reply[#reply + 1] = m.name
      end
    end
  end
end
for _, entry in ipairs(redis.call('SMEMBERS', set)) do
  local room, id = split(entry)
  local raw = room and redis.call('HGET', p .. 'room:' .. room, id)
  if not raw then
    redis.call('SREM', set, entry)
  else
    local m = cjson.decode(raw)
    if m.node ~= node then
      redis.call('SREM', set, entry)
    elseif sid(m) ~= '' and connected[entry] == nil then
      away(room, id, m, now + grace)
      reply[1] = reply[1] + 1
    end
  end
end
redis.call('SET', p .. 'node:' .. node, '1', 'PX', tonumber(ARGV[4]))
redis.call('SADD', p .. 'nodes', node)
return reply
`;

/**
 * ARGV: p, node, graceMs. A node shutting down: its connected members become
 * away (they were told to reconnect, maybe through another node, and resume),
 * and the node is forgotten at once rather than after its liveness lapses.
 */
export const RELEASE = `${PRELUDE}
local node = ARGV[2]
local now = now_ms()
local set = p .. 'node:' .. node .. ':members'
for _, entry in ipairs(redis.call('SMEMBERS', set)) do
  local room, id = split(entry)
  local raw = room and redis.call('HGET', p .. 'room:' .. room, id)
  if raw then
    local m = cjson.decode(raw)
    if m.node == node and sid(m) ~= '' then away(room, id, m, now + tonumber(ARGV[3])) end
  end
end
redis.call('DEL', set, p .. 'node:' .. node)
redis.call('SREM', p .. 'nodes', node)
return 1
`;
