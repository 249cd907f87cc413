/**
 * The Redis store's compare-and-set verbs as Lua: Redis runs a script atomically, so each check
 * and its write happen with no other client's command in between. Keys of one room share the
 * hash tag `{CODE}` (one cluster slot). Values: ARGV strings; JSON via Redis's bundled cjson.
 */
export const SCRIPTS = {
  /** KEYS: room, secrets, rooms index. ARGV: code, deckId, createdAt, version, h, v, f, ...secret hashes. */
  createRoom: {
    keys: 3,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'deckId', ARGV[2], 'createdAt', ARGV[3], 'version', ARGV[4], 'h', ARGV[5], 'v', ARGV[6], 'f', ARGV[7],
  'poll', '', 'prediction', '', 'teamsMode', 'auto', 'teamsTables', '0', 'teamsFormed', '0')
for i = 8, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`,
  },
  /** KEYS: room. ARGV: expected version, version, h, v, f, poll, prediction. */
  updateRoom: {
    keys: 1,
    lua: `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'h', ARGV[3], 'v', ARGV[4], 'f', ARGV[5], 'poll', ARGV[6], 'prediction', ARGV[7])
return 1`,
  },
  /** KEYS: token. ARGV: now. Consumes the token if it has not expired. */
  takeToken: {
    keys: 1,
    lua: `
local expires = redis.call('GET', KEYS[1])
if not expires or tonumber(expires) < tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  },
  /** KEYS: poll, polls index. ARGV: id, definition, round, status, revealed, createdAt, version, closesAt ('' for none). */
  addPoll: {
    keys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'definition', ARGV[2], 'round', ARGV[3], 'status', ARGV[4], 'revealed', ARGV[5], 'createdAt', ARGV[6], 'version', ARGV[7], 'closesAt', ARGV[8])
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
end
return redis.call('HGETALL', KEYS[1])`,
  },
  /** KEYS: poll, ballots. ARGV: expected version, round, status, revealed, version, clear ('1' to delete ballots), closesAt ('' for none). */
  updatePoll: {
    keys: 2,
    lua: `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'round', ARGV[2], 'status', ARGV[3], 'revealed', ARGV[4], 'version', ARGV[5], 'closesAt', ARGV[7])
if ARGV[6] == '1' then redis.call('DEL', KEYS[2]) end
return 1`,
  },
  /** KEYS: poll, room, ballots. ARGV: pollId, round, field, ballot JSON, at. The vote path: one round trip. */
  castBallot: {
    keys: 3,
    lua: `
local poll = redis.call('HMGET', KEYS[1], 'status', 'round', 'closesAt')
if not poll[1] then return 'missing' end
if poll[3] and poll[3] ~= '' and tonumber(ARGV[5]) >= tonumber(poll[3]) then return 'time-up' end
if redis.call('HGET', KEYS[2], 'poll') ~= ARGV[1] then return 'not-on-screen' end
if poll[1] ~= 'open' then return 'closed' end
if poll[2] ~= ARGV[2] then return 'round-over' end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 'cast'`,
  },
  /** KEYS: people, order, seq. ARGV: participantId, joinedAt. Returns the stored participant's JSON. */
  addParticipant: {
    keys: 3,
    lua: `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if known then return known end
local seq = redis.call('INCR', KEYS[3])
local me = cjson.encode({ name = false, teamId = false, joinedAt = tonumber(ARGV[2]), seq = seq })
redis.call('HSET', KEYS[1], ARGV[1], me)
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return me`,
  },
  /** KEYS: people. ARGV: participantId, name. */
  rename: {
    keys: 1,
    lua: `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if not known then return 0 end
local me = cjson.decode(known)
me.name = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(me))
return 1`,
  },
  /**
   * KEYS: people, teams index, room, team-key prefix. ARGV: mode, tables, formed, then participantId,
   * teamId pairs. Replaces every membership in one step.
   */
  setTeams: {
    keys: 4,
    lua: `
for _, team in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', KEYS[4] .. team) end
redis.call('DEL', KEYS[2])
local people = redis.call('HGETALL', KEYS[1])
local chosen = {}
for i = 4, #ARGV, 2 do chosen[ARGV[i]] = ARGV[i + 1] end
for i = 1, #people, 2 do
  local me = cjson.decode(people[i + 1])
  local team = chosen[people[i]] or false
  me.teamId = team
  redis.call('HSET', KEYS[1], people[i], cjson.encode(me))
  if team then
    redis.call('ZADD', KEYS[4] .. team, me.seq, people[i])
    redis.call('SADD', KEYS[2], team)
  end
end
redis.call('HSET', KEYS[3], 'teamsMode', ARGV[1], 'teamsTables', ARGV[2], 'teamsFormed', ARGV[3])
return 1`,
  },
  /**
   * KEYS: people, teams index, team-key prefix. ARGV: participantId, teamId ('' for none), maxSize
   * ('' to place exactly there; a number to join the smallest team below it). Returns the team.
   */
  assignTeam: {
    keys: 3,
    lua: `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if not known then return false end
local me = cjson.decode(known)
local team = ARGV[2]
if ARGV[3] ~= '' then
  if me.teamId then return me.teamId end
  local best, bestSize, bestN, top = nil, nil, nil, 0
  for _, t in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    local n = tonumber(string.match(t, '%-(%d+)$'))
    local size = redis.call('ZCARD', KEYS[3] .. t)
    if n > top then top = n end
    if size < tonumber(ARGV[3]) and (not best or size < bestSize or (size == bestSize and n < bestN)) then best, bestSize, bestN = t, size, n end
  end
  team = best or ('team-' .. (top + 1))
end
if me.teamId then redis.call('ZREM', KEYS[3] .. me.teamId, ARGV[1]) end
if team == '' then me.teamId = false else
  me.teamId = team
  redis.call('ZADD', KEYS[3] .. team, me.seq, ARGV[1])
  redis.call('SADD', KEYS[2], team)
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(me))
return team`,
  },
  /** KEYS: prediction. ARGV: status, revealed. Returns the stored status and revealed count. */
  addPrediction: {
    keys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'status', ARGV[1], 'revealed', ARGV[2]) end
return redis.call('HMGET', KEYS[1], 'status', 'revealed')`,
  },
  /** KEYS: prediction. ARGV: expected status, expected revealed, status, revealed. */
  updatePrediction: {
    keys: 1,
    lua: `
local now = redis.call('HMGET', KEYS[1], 'status', 'revealed')
if now[1] ~= ARGV[1] or now[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'revealed', ARGV[4])
return 1`,
  },
  /**
   * KEYS: sheet, sheets index, prediction, room. ARGV: version, state, rows, updatedAt, teamId,
   * predictionId, whileOpen ('1': only while the prediction is open and on screen).
   */
  saveSheet: {
    keys: 4,
    lua: `
if ARGV[7] == '1' then
  if redis.call('HGET', KEYS[3], 'status') ~= 'open' or redis.call('HGET', KEYS[4], 'prediction') ~= ARGV[6] then return 'locked' end
end
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= tonumber(ARGV[1]) - 1 then return 'conflict' end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2], 'rows', ARGV[3], 'updatedAt', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
return 'saved'`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
