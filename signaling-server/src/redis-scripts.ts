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
 *   P hs:<room>             hash  host state, only while the room has members and has any:
 *                                 "locked", "lobby", "auto" (firstJoinerHost) = "1",
 *                                 "h:<id>" = "1" per host, "w:<id>" = {"name","socketId","node","t","a"?}
 *                                 per waiting peer
 *   P adm:<room>:<id>       string, TTL: a host admitted this waiting peer (until its join)
 *   P ban:<room>:i:<id>     string, TTL: a removed or denied peer id
 *   P ban:<room>:a:<addr>   string, TTL: a removed or denied peer's client address
 *   P seq                   counter: the order members came in (a member's "t")
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
-- The host state as the server sends it (cjson makes an empty table {}: the server reads it so).
local function host_state(room)
  local all = redis.call('HGETALL', p .. 'hs:' .. room)
  local s = {hosts = {}, locked = false, lobby = false, waiting = {}}
  local waiting = {}
  for i = 1, #all, 2 do
    local f = all[i]
    if f == 'locked' then s.locked = true
    elseif f == 'lobby' then s.lobby = true
    elseif string.sub(f, 1, 2) == 'h:' then s.hosts[#s.hosts + 1] = string.sub(f, 3)
    elseif string.sub(f, 1, 2) == 'w:' then
      local w = cjson.decode(all[i + 1])
      waiting[#waiting + 1] = {id = string.sub(f, 3), name = w.name, t = tonumber(w.t) or 0}
    end
  end
  table.sort(s.hosts)
  table.sort(waiting, function(x, y) return x.t < y.t end)
  for _, w in ipairs(waiting) do s.waiting[#s.waiting + 1] = {id = w.id, name = w.name} end
  return s
end
local function change(room, admitted, promoted)
  local state = false
  if redis.call('EXISTS', p .. 'hs:' .. room) == 1 then state = host_state(room) end
  return cjson.encode({state = state, admitted = admitted or {}, promoted = promoted or {}})
end
local function ban(room, id, address, ms)
  if ms <= 0 then return end
  redis.call('SET', p .. 'ban:' .. room .. ':i:' .. id, '1', 'PX', ms)
  if type(address) == 'string' and address ~= '' then
    redis.call('SET', p .. 'ban:' .. room .. ':a:' .. address, '1', 'PX', ms)
  end
end
-- Removes a member; returns the host state's change ('' if none): an empty room forgets its
-- state and lets its waiting peers in; a host leaving may pass hosting on (firstJoinerHost).
local function remove(room, id, m)
  local entry = room .. ' ' .. id
  local key = p .. 'room:' .. room
  redis.call('HDEL', key, id)
  if redis.call('EXISTS', key) == 0 then redis.call('SREM', p .. 'rooms', room) end
  if type(m.node) == 'string' then redis.call('SREM', p .. 'node:' .. m.node .. ':members', entry) end
  redis.call('ZREM', p .. 'away', entry)
  local hs = p .. 'hs:' .. room
  if redis.call('EXISTS', hs) == 0 then return '' end
  if redis.call('EXISTS', key) == 0 then
    local admitted = {}
    local all = redis.call('HGETALL', hs)
    for i = 1, #all, 2 do
      if string.sub(all[i], 1, 2) == 'w:' then
        local s = sid(cjson.decode(all[i + 1]))
        if s ~= '' then admitted[#admitted + 1] = s end
      end
    end
    redis.call('DEL', hs)
    return cjson.encode({state = false, admitted = admitted, promoted = {}})
  end
  if redis.call('HDEL', hs, 'h:' .. id) == 0 then return '' end
  local promoted = {}
  if redis.call('HEXISTS', hs, 'auto') == 1 and #host_state(room).hosts == 0 then
    -- The member there longest (smallest t), connected ones first.
    local best, bestT, bestLive = nil, nil, false
    local all = redis.call('HGETALL', key)
    for i = 1, #all, 2 do
      local o = cjson.decode(all[i + 1])
      local t = tonumber(o.t) or math.huge
      local live = sid(o) ~= ''
      if best == nil or (live and not bestLive) or (live == bestLive and t < bestT) then
        best, bestT, bestLive = all[i], t, live
        if live then promoted = {sid(o)} else promoted = {} end
      end
    end
    if best then redis.call('HSET', hs, 'h:' .. best, '1') end
  end
  return change(room, {}, promoted)
end
local function away(room, id, m, untilMs)
  m.socketId = nil
  m.awayUntil = untilMs
  redis.call('HSET', p .. 'room:' .. room, id, cjson.encode(m))
  redis.call('ZADD', p .. 'away', untilMs, room .. ' ' .. id)
end
`;

/**
 * ARGV: p, room, id, name, socketId, node, maxPeers, host (0/1: by token), auto (0/1:
 * firstJoinerHost), address ('' none: no ban by address), lobbyCap, policy (0/1: apply
 * bans, lock and lobby).
 * Returns {0} when full, {-1} when the node is not registered as alive (its
 * members could not be found by the janitor if it died), {-2} when locked, {-3} when
 * banned, {2, replaced socket id or '', state} when the peer waits in the lobby, else
 * {1, resumed (0/1), replaced socket id or '', state, changed (0/1), id1, name1, id2, name2, ...}.
 */
export const JOIN = `${PRELUDE}
local room, id, name, socket, node, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
local host, auto, address, lobbyCap, policy = ARGV[8] == '1', ARGV[9] == '1', ARGV[10], tonumber(ARGV[11]) or 0, ARGV[12] == '1'
if redis.call('EXISTS', p .. 'node:' .. node) == 0 then return {-1} end
local key = p .. 'room:' .. room
local hs = p .. 'hs:' .. room
local entry = room .. ' ' .. id
local raw = redis.call('HGET', key, id)
local admitted = false
if not raw and policy and not host then
  if redis.call('EXISTS', p .. 'ban:' .. room .. ':i:' .. id) == 1 then return {-3} end
  if address ~= '' and redis.call('EXISTS', p .. 'ban:' .. room .. ':a:' .. address) == 1 then return {-3} end
  admitted = redis.call('DEL', p .. 'adm:' .. room .. ':' .. id) == 1
  if not admitted and redis.call('HEXISTS', hs, 'locked') == 1 then return {-2} end
end
if not raw and redis.call('HLEN', key) >= max then return {0} end
if not raw and policy and not host and not admitted and redis.call('HEXISTS', hs, 'lobby') == 1 then
  local before = redis.call('HGET', hs, 'w:' .. id)
  local replaced = ''
  local t
  if before then
    local old = cjson.decode(before)
    if sid(old) ~= socket then replaced = sid(old) end
    t = old.t
  else
    local n = 0
    for _, f in ipairs(redis.call('HKEYS', hs)) do
      if string.sub(f, 1, 2) == 'w:' then n = n + 1 end
    end
    if n >= lobbyCap then return {0} end
    t = redis.call('INCR', p .. 'seq')
  end
  local w = {name = name, socketId = socket, node = node, t = t}
  if address ~= '' then w.a = address end
  redis.call('HSET', hs, 'w:' .. id, cjson.encode(w))
  return {2, replaced, cjson.encode(host_state(room))}
end
local replaced = ''
local t
if raw then
  local old = cjson.decode(raw)
  if sid(old) ~= socket then replaced = sid(old) end
  if type(old.node) == 'string' and old.node ~= node then
    redis.call('SREM', p .. 'node:' .. old.node .. ':members', entry)
  end
  t = old.t
end
if t == nil then t = redis.call('INCR', p .. 'seq') end
local m = {name = name, socketId = socket, node = node, t = t}
if address ~= '' then m.a = address end
redis.call('HSET', key, id, cjson.encode(m))
redis.call('SADD', p .. 'rooms', room)
redis.call('SADD', p .. 'node:' .. node .. ':members', entry)
redis.call('ZREM', p .. 'away', entry)
local changed = 0
if host or auto then
  if auto then redis.call('HSET', hs, 'auto', '1') end
  if redis.call('HEXISTS', hs, 'h:' .. id) == 0 and (host or #host_state(room).hosts == 0) then
    redis.call('HSET', hs, 'h:' .. id, '1')
    changed = 1
  end
end
if redis.call('HDEL', hs, 'w:' .. id) == 1 then changed = 1 end
local reply = {1, raw and 1 or 0, replaced, cjson.encode(host_state(room)), changed}
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  if all[i] ~= id then
    reply[#reply + 1] = all[i]
    reply[#reply + 1] = cjson.decode(all[i + 1]).name
  end
end
return reply
`;

/**
 * ARGV: p, room, id, socketId ('' = the member must be away). Returns {0}, or {1, change}
 * when removed ('' when the host state did not change).
 */
export const LEAVE = `${PRELUDE}
local raw = redis.call('HGET', p .. 'room:' .. ARGV[2], ARGV[3])
if not raw then return {0} end
local m = cjson.decode(raw)
if sid(m) ~= ARGV[4] then return {0} end
return {1, remove(ARGV[2], ARGV[3], m)}
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

/**
 * ARGV: p, limit. Removes away members whose grace period is over; returns
 * {room1, id1, change1, ...} (change: as LEAVE's).
 */
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
      local c = remove(room, id, m)
      removed[#removed + 1] = room
      removed[#removed + 1] = id
      removed[#removed + 1] = c
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

/**
 * ARGV: p, room, actor, action, peer ('' none), banMs, admitMs. A host's action, checked and
 * applied at once (two hosts acting together: one wins, the other finds nothing to act on).
 * Returns {'error', code, message} or {'ok', change ('' none), target socket ('' none), removed (0/1)}.
 */
export const HOST = `${PRELUDE}
local room, actor, action, peer = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local banMs, admitMs = tonumber(ARGV[6]), tonumber(ARGV[7])
local key = p .. 'room:' .. room
local hs = p .. 'hs:' .. room
if redis.call('HEXISTS', hs, 'h:' .. actor) == 0 or redis.call('HEXISTS', key, actor) == 0 then
  return {'error', 'not-host', 'only a host of this room can do that'}
end
local function flag(name, on)
  if (redis.call('HEXISTS', hs, name) == 1) == on then return {'ok', '', '', 0} end
  if on then redis.call('HSET', hs, name, '1') else redis.call('HDEL', hs, name) end
  return nil
end
if action == 'lock' or action == 'unlock' then
  local r = flag('locked', action == 'lock')
  return r or {'ok', change(room), '', 0}
elseif action == 'lobby-on' then
  local r = flag('lobby', true)
  return r or {'ok', change(room), '', 0}
elseif action == 'lobby-off' then
  local r = flag('lobby', false)
  if r then return r end
  local admitted = {}
  local all = redis.call('HGETALL', hs)
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'w:' then
      local wid = string.sub(all[i], 3)
      redis.call('SET', p .. 'adm:' .. room .. ':' .. wid, '1', 'PX', admitMs)
      redis.call('HDEL', hs, all[i])
      local s = sid(cjson.decode(all[i + 1]))
      if s ~= '' then admitted[#admitted + 1] = s end
    end
  end
  return {'ok', change(room, admitted), '', 0}
elseif action == 'admit' or action == 'deny' then
  local raw = redis.call('HGET', hs, 'w:' .. peer)
  if not raw then return {'error', 'unknown-peer', 'nobody "' .. peer .. '" waits in this room\\'s lobby'} end
  local w = cjson.decode(raw)
  redis.call('HDEL', hs, 'w:' .. peer)
  if action == 'admit' then
    redis.call('SET', p .. 'adm:' .. room .. ':' .. peer, '1', 'PX', admitMs)
  else
    ban(room, peer, w.a, banMs)
  end
  return {'ok', change(room), sid(w), 0}
else
  local raw = redis.call('HGET', key, peer)
  if not raw then return {'error', 'unknown-peer', 'no peer "' .. peer .. '" in this room'} end
  if peer == actor then
    if action == 'remove' then return {'error', 'bad-request', 'a host cannot remove itself (leave instead)'} end
    return {'error', 'bad-request', 'a host cannot ask itself (mute your own microphone instead)'}
  end
  if redis.call('HEXISTS', hs, 'h:' .. peer) == 1 then
    return {'error', 'bad-request', 'a host cannot remove or ask another host'}
  end
  local m = cjson.decode(raw)
  if action ~= 'remove' then
    if sid(m) == '' then return {'error', 'peer-away', 'peer "' .. peer .. '" is reconnecting'} end
    return {'ok', '', sid(m), 0}
  end
  ban(room, peer, m.a, banMs)
  return {'ok', remove(room, peer, m), sid(m), 1}
end
`;

/** ARGV: p, room. The host state now: as a change, or '' when the room has none. */
export const HOST_STATE = `${PRELUDE}
if redis.call('EXISTS', p .. 'hs:' .. ARGV[2]) == 0 then return '' end
return change(ARGV[2])
`;

/** ARGV: p, room, id, socketId. A waiting peer left, if that connection still waits for it: returns the change or ''. */
export const UNWAIT = `${PRELUDE}
local hs = p .. 'hs:' .. ARGV[2]
local raw = redis.call('HGET', hs, 'w:' .. ARGV[3])
if not raw or sid(cjson.decode(raw)) ~= ARGV[4] then return '' end
redis.call('HDEL', hs, 'w:' .. ARGV[3])
return change(ARGV[2])
`;
