import { Redis } from 'ioredis';
import type { Choice, SheetRow, Verdict } from '../protocol';
import type { Ballot, Poll } from '../polls/poll';
import type { Grade, RoomPrediction, Sheet } from '../predictions/sheet';
import type { Participant } from '../predictions/teams';
import type { Room } from '../rooms/room';
import { Refusal } from '../errors';
import { SCRIPTS } from './redis-scripts';
import type { ScriptName } from './redis-scripts';
import type { CastOutcome, SheetSave, Store } from './store';
import { fromRevealedField, revealedField } from './store';

/** Every key of a room shares the hash tag `{CODE}`, so a room lives in one cluster slot. */
const k = (code: string, ...parts: string[]) => `yr:{${code}}:${parts.join(':')}`;
const ROOMS = 'yr:rooms';

type PollDefinition = Pick<Poll, 'question' | 'kind' | 'options' | 'correct' | 'revote'>;
type StoredPerson = { name: string | false; teamId: string | false; joinedAt: number; seq: number };

const pollFrom = (code: string, id: string, h: Record<string, string>): Poll => ({
  roomCode: code,
  id,
  ...(JSON.parse(h.definition!) as PollDefinition),
  round: Number(h.round),
  status: h.status as Poll['status'],
  ...fromRevealedField(Number(h.revealed)),
  closesAt: h.closesAt ? Number(h.closesAt) : null,
  createdAt: Number(h.createdAt),
  version: Number(h.version),
});
const personFrom = (code: string, participantId: string, json: string): Participant => {
  const p = JSON.parse(json) as StoredPerson;
  return { roomCode: code, participantId, name: p.name || null, teamId: p.teamId || null, joinedAt: p.joinedAt };
};
const pairs = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])) as Record<string, string>;

/**
 * The store for several processes: one Redis (run it with `appendonly yes` and `appendfsync
 * always`, so an acked write survives Redis itself being killed). Every verb that depends on what
 * is stored is one Lua script, so it is atomic across every process.
 */
export async function openRedisStore(url: string): Promise<Store> {
  const store = await redisVerbs(url);
  // While Redis is unreachable a verb fails with a named refusal, nothing half-done (each is one script or read).
  return Object.fromEntries(
    Object.entries(store).map(([name, verb]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (verb as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          if (name !== 'close' && isConnectionError(error)) throw new Refusal('UNAVAILABLE');
          throw error;
        }
      },
    ]),
  ) as unknown as Store;
}

function isConnectionError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || /ECONNREFUSED|ECONNRESET|Connection is closed|Stream isn't writeable/.test(error.message));
}

async function redisVerbs(url: string): Promise<Store> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: (times) => Math.min(times * 100, 1000) });
  redis.on('error', () => undefined); // reconnects by itself; a failed verb says so to its caller
  await redis.connect();
  const shas = new Map<ScriptName, string>();
  for (const [name, { lua }] of Object.entries(SCRIPTS) as [ScriptName, { lua: string }][]) shas.set(name, (await redis.script('LOAD', lua)) as string);
  /** Runs a script by hash, loading it again if Redis restarted without it. */
  async function run<T>(name: ScriptName, keys: string[], args: (string | number | Buffer)[]): Promise<T> {
    try {
      return (await redis.evalsha(shas.get(name)!, keys.length, ...keys, ...args)) as T;
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return (await redis.eval(SCRIPTS[name].lua, keys.length, ...keys, ...args)) as T;
    }
  }
  async function ballotsOf(code: string, pollId: string): Promise<Ballot[]> {
    const all = await redis.hgetall(k(code, 'ballots', pollId));
    const ballots: Ballot[] = Object.entries(all).map(([field, json]) => {
      const split = field.indexOf(':');
      const { choice, at } = JSON.parse(json) as { choice: Choice; at: number };
      return { roomCode: code, pollId, round: Number(field.slice(0, split)), participantId: field.slice(split + 1), choice, at };
    });
    return ballots.sort((a, b) => a.round - b.round || a.at - b.at);
  }
  async function listPeople(code: string, order: string[]): Promise<Participant[]> {
    if (order.length === 0) return [];
    const rows = await redis.hmget(k(code, 'people'), ...order);
    return order.flatMap((id, i) => (rows[i] ? [personFrom(code, id, rows[i]!)] : []));
  }
  const sheetFrom = (code: string, predictionId: string, teamId: string, h: Record<string, Buffer>): Sheet => ({
    roomCode: code,
    predictionId,
    teamId,
    version: Number(h.version!.toString()),
    state: new Uint8Array(h.state!),
    rows: JSON.parse(h.rows!.toString()) as SheetRow[],
    updatedAt: Number(h.updatedAt!.toString()),
  });

  return {
    async createRoom(room) {
      const { slide } = room;
      return (await run<number>('createRoom', [k(room.code, 'room'), k(room.code, 'secrets'), ROOMS], [room.code, room.deckId, room.createdAt, room.version, slide.h, slide.v, slide.f, ...room.presenterSecretHashes])) === 1;
    },
    async getRoom(code) {
      const [[, h], [, secrets]] = (await redis.multi().hgetall(k(code, 'room')).smembers(k(code, 'secrets')).exec()) as [[null, Record<string, string>], [null, string[]]];
      if (!h.deckId) return undefined;
      return {
        code,
        deckId: h.deckId,
        createdAt: Number(h.createdAt),
        version: Number(h.version),
        slide: { h: Number(h.h), v: Number(h.v), f: Number(h.f) },
        activePollId: h.poll || null,
        activePredictionId: h.prediction || null,
        teams: { mode: h.teamsMode as Room['teams']['mode'], tables: Number(h.teamsTables), formed: h.teamsFormed === '1' },
        presenterSecretHashes: secrets,
      };
    },
    async updateRoom(room, expectedVersion) {
      const { slide } = room;
      return (await run<number>('updateRoom', [k(room.code, 'room')], [expectedVersion, room.version, slide.h, slide.v, slide.f, room.activePollId ?? '', room.activePredictionId ?? ''])) === 1;
    },
    async addPresenterSecret(code, secretHash) {
      await redis.sadd(k(code, 'secrets'), secretHash);
    },
    async savePairToken(code, tokenHash, expiresAt) {
      await redis.set(k(code, 'token', tokenHash), String(expiresAt), 'PXAT', expiresAt + 60_000);
    },
    async takePairToken(code, tokenHash, now) {
      return (await run<number>('takeToken', [k(code, 'token', tokenHash)], [now])) === 1;
    },
    async deleteRoomsCreatedBefore(createdBefore) {
      const codes = await redis.zrangebyscore(ROOMS, '-inf', `(${createdBefore}`);
      for (const code of codes) {
        const stream = redis.scanStream({ match: `yr:{${code}}:*`, count: 500 });
        for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
        await redis.zrem(ROOMS, code);
      }
      return codes.length;
    },

    async addPoll(poll) {
      const definition: PollDefinition = { question: poll.question, kind: poll.kind, options: poll.options, correct: poll.correct, revote: poll.revote };
      const flat = await run<string[]>('addPoll', [k(poll.roomCode, 'poll', poll.id), k(poll.roomCode, 'polls')], [poll.id, JSON.stringify(definition), poll.round, poll.status, revealedField(poll), poll.createdAt, poll.version, poll.closesAt ?? '']);
      return pollFrom(poll.roomCode, poll.id, pairs(flat));
    },
    async getPoll(code, pollId) {
      const h = await redis.hgetall(k(code, 'poll', pollId));
      return h.definition ? pollFrom(code, pollId, h) : undefined;
    },
    async listPolls(code) {
      const ids = await redis.zrange(k(code, 'polls'), 0, -1);
      const polls = await Promise.all(ids.map((id) => redis.hgetall(k(code, 'poll', id))));
      return ids.map((id, i) => pollFrom(code, id, polls[i]!));
    },
    async updatePoll(next, options) {
      const keys = [k(next.roomCode, 'poll', next.id), k(next.roomCode, 'ballots', next.id)];
      return (await run<number>('updatePoll', keys, [next.version - 1, next.round, next.status, revealedField(next), next.version, options?.clearBallots ? '1' : '0', next.closesAt ?? ''])) === 1;
    },
    async castBallot(b) {
      const keys = [k(b.roomCode, 'poll', b.pollId), k(b.roomCode, 'room'), k(b.roomCode, 'ballots', b.pollId)];
      return run<CastOutcome>('castBallot', keys, [b.pollId, b.round, `${b.round}:${b.participantId}`, JSON.stringify({ choice: b.choice, at: b.at }), b.at]);
    },
    async getBallot(code, pollId, round, participantId) {
      const json = await redis.hget(k(code, 'ballots', pollId), `${round}:${participantId}`);
      return json ? (JSON.parse(json) as { choice: Choice }).choice : undefined;
    },
    async countBallots(code, pollId) {
      const counts = new Map<string, { round: number; choice: Choice; count: number }>();
      for (const b of await ballotsOf(code, pollId)) {
        const key = `${b.round}\0${JSON.stringify(b.choice)}`;
        const seen = counts.get(key);
        if (seen) seen.count++;
        else counts.set(key, { round: b.round, choice: b.choice, count: 1 });
      }
      return [...counts.values()];
    },
    listBallots: ballotsOf,

    async addParticipant(code, participantId, joinedAt) {
      return personFrom(code, participantId, await run<string>('addParticipant', [k(code, 'people'), k(code, 'order'), k(code, 'seq')], [participantId, joinedAt]));
    },
    async getParticipant(code, participantId) {
      const json = await redis.hget(k(code, 'people'), participantId);
      return json ? personFrom(code, participantId, json) : undefined;
    },
    async renameParticipant(code, participantId, name) {
      await run('rename', [k(code, 'people')], [participantId, name]);
    },
    async listTeam(code, teamId) {
      return listPeople(code, await redis.zrange(k(code, 'team', teamId), 0, -1));
    },
    async listParticipants(code) {
      return listPeople(code, await redis.zrange(k(code, 'order'), 0, -1));
    },
    async setTeams(code, config, teams) {
      await run('setTeams', [k(code, 'people'), k(code, 'teams'), k(code, 'room'), k(code, 'team', '')], [config.mode, config.tables, config.formed ? 1 : 0, ...[...teams].flat()]);
    },
    async assignTeam(code, participantId, teamId) {
      return (await run<string | null>('assignTeam', [k(code, 'people'), k(code, 'teams'), k(code, 'team', '')], [participantId, teamId ?? '', ''])) !== null;
    },
    async joinSmallestTeam(code, participantId, maxSize) {
      return run<string>('assignTeam', [k(code, 'people'), k(code, 'teams'), k(code, 'team', '')], [participantId, '', maxSize]);
    },

    async addPrediction(p) {
      const [status, revealed] = await run<[string, string]>('addPrediction', [k(p.roomCode, 'prediction', p.predictionId)], [p.status, p.revealed]);
      return { ...p, status: status as RoomPrediction['status'], revealed: Number(revealed) };
    },
    async getPrediction(code, predictionId) {
      const h = await redis.hgetall(k(code, 'prediction', predictionId));
      return h.status ? { roomCode: code, predictionId, status: h.status as RoomPrediction['status'], revealed: Number(h.revealed) } : undefined;
    },
    async updatePrediction(next, expected) {
      return (await run<number>('updatePrediction', [k(next.roomCode, 'prediction', next.predictionId)], [expected.status, expected.revealed, next.status, next.revealed])) === 1;
    },
    async getSheet(code, predictionId, teamId) {
      const h = await redis.hgetallBuffer(k(code, 'sheet', predictionId, teamId));
      return h.version ? sheetFrom(code, predictionId, teamId, h) : undefined;
    },
    async saveSheet(s, options) {
      const keys = [k(s.roomCode, 'sheet', s.predictionId, s.teamId), k(s.roomCode, 'sheets', s.predictionId), k(s.roomCode, 'prediction', s.predictionId), k(s.roomCode, 'room')];
      return run<SheetSave>('saveSheet', keys, [s.version, Buffer.from(s.state), JSON.stringify(s.rows), s.updatedAt, s.teamId, s.predictionId, options?.whileOpen ? '1' : '0']);
    },
    async listSheets(code, predictionId) {
      const teams = (await redis.smembers(k(code, 'sheets', predictionId))).sort();
      const sheets = await Promise.all(teams.map((t) => redis.hgetallBuffer(k(code, 'sheet', predictionId, t))));
      return teams.map((t, i) => sheetFrom(code, predictionId, t, sheets[i]!));
    },
    async saveGrades(code, grades) {
      if (grades.length === 0) return;
      await redis.hset(k(code, 'grades'), ...grades.flatMap((g) => [`${g.predictionId}\0${g.teamId}\0${String(g.step).padStart(3, '0')}`, JSON.stringify({ verdict: g.verdict, label: g.label })]));
    },
    async listGrades(code) {
      const all = await redis.hgetall(k(code, 'grades'));
      return Object.keys(all)
        .sort()
        .map((field): Grade => {
          const [predictionId, teamId, step] = field.split('\0') as [string, string, string];
          const { verdict, label } = JSON.parse(all[field]!) as { verdict: Verdict; label: string };
          return { predictionId, teamId, step: Number(step), verdict, label };
        });
    },
    async close() {
      await redis.quit();
    },
  };
}
