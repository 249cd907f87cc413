/**
 * Mutation testing (`npm run test:mutation`, not part of `npm test`: it takes a while). Each
 * mutant of the server's protocol, realtime, rooms, polls and http code must make a test fail.
 * The report lands in reports/mutation/.
 *
 * Mutants left alive on purpose, by kind (server/realtime and server/http):
 * - the wording of a refusal's `message` (StringLiteral): clients act on `code`, which every
 *   refusal test pins; the message is for people and may be reworded freely. Likewise the
 *   reason in an admission 403 (guard.ts's allowRequest) and CLIENT_TOO_OLD's text (io.ts);
 * - log lines (`console.error` prefixes, and whether an error is logged, in audience.ts,
 *   countdowns.ts, handler.ts, first-slide.ts, routes.ts and polls/tallies.ts): not a promise;
 *   nor is the reason guard.ts throws when a budget is spent: socket.io closes the connection
 *   and sends no reason;
 * - guard.ts charging any chunk that is not a string as bytes (the Uint8Array/ArrayBuffer check
 *   mutated to true): engine.io hands the parser strings and Buffers only; and originAllowed's
 *   catch for an Origin that is not a URL, emptied: its host is then undefined, which matches
 *   nothing the server admits, so it is refused either way;
 * - io.ts: the socket's 'error' listener (socket.io logs a parser error when there is none: a
 *   log line), and clearing the pre-auth timer on disconnect (its event name or the clear
 *   mutated away): disconnecting a socket already gone does nothing, and the timer lapses;
 * - poll-view.ts's snapshotFor reading the poll again when closeIfOverdue closed nothing (`??`
 *   mutated to `&&`): that happens only when another process closes the round between the two
 *   reads, a race no test can arrange in one process;
 * - prediction-view.ts: predictionStateOf's check for no prediction on screen (mutated away: the
 *   store finds no prediction for none, null either way), and predictionReports' empty list for
 *   a slide without a prediction (mutated to a stray entry: it has no id, so the store has no
 *   such prediction and it is skipped either way); and the stand-in row of a team without a
 *   sheet saying something was printed (its `prints` mutated), or emptied to `{}`: Python
 *   grades a row with no kind and no value blank whatever its prints say;
 * - createBoards' check that the room is still there before it pushes a board (`if (room)`
 *   mutated to true: a push for a room swept meanwhile fails in the coalescer's catch, which
 *   only logs), and the close of a coalescer, of the audience or of the countdowns emptied
 *   (their timers are unref'd; one that fires after the server closed only logs);
 * - guard.ts keeping an address's count at 0 when its last connection closes (`left > 0`
 *   mutated to true or `>=`) instead of forgetting it: only memory use differs;
 * - guard.ts's token bucket refusing at `tokens < cost` versus `<=`: tokens refill continuously
 *   by the clock, so they equal the cost exactly only when no time at all has passed since the
 *   last event; the burst tests count the 40th event served and the 41st refused either way;
 * - a coalesced broadcast whose lease is held by another process (audience.ts's createCoalescer
 *   and polls/tallies.ts, `!claim` mutated to false, or the lease key to ''): in one process
 *   the lease is always granted (memory live); with several, sending anyway only sends the same
 *   state twice. The two-node test runs its servers in child processes, where no mutant is on;
 * - `consumedPoints >` versus `>=` in address-limits.ts's lookUp: the guess that spends the
 *   budget also blocks the address (consumed past the budget), so both comparisons read the same;
 *   and its `.catch(() => null)` mutated to `() => undefined`: both read as "no record"; and a
 *   limiter's key prefix mutated to '' (`yr:rl:voters`, `rooms`, `guesses`): in one process each
 *   limiter keeps its own memory, and in Redis '' still differs from the other prefixes;
 * - fallbacks for values a server always has: `req.method ?? 'GET'`, `req.url ?? '/'` (routes.ts,
 *   compressed.ts) and `req.socket.remoteAddress ?? 'unknown'` (address.ts) are set by Node on
 *   every request it receives; `split(',').at(-1)?.trim()` (address.ts) always has a last part;
 *   a Host that public-url.ts's pattern cannot split (`?? []`) is used whole either way, and
 *   its `a !== undefined` holds for every interface Node lists;
 * - participant.ts's `value?.split('.') ?? []` for a request with no voter cookie (mutated to a
 *   one-element list): with no signature the cookie is refused either way;
 * - fallbacks for what the rest of the server already refused: a named ballot's `name ?? ''`
 *   (routes.ts; a named poll takes ballots only from students with a name), a session's
 *   `deckId ?? ''` (polls.handlers.ts, teams.handlers.ts; set on join) and teams.handlers.ts's
 *   prediction ids `[]` for a deck no longer installed (no sheets to move between), the participant and
 *   deck fallbacks of prediction-view.ts (`myTeam`, `predictionReports`, `predictionBoard`: the
 *   export and the board refuse a missing deck or prediction NOT_FOUND before them) and a step's
 *   `distractors ?? []` (predictions.handlers.ts; the compiler gives every step a list);
 * - how hard compressed.ts compresses (encodeOnce's brotli quality and text-mode hint, gzip's
 *   level, each mutated to the library's default): the body decodes the same, only its size changes;
 * - compressed.ts's `String(header ?? '')` for a request with no Accept-Encoding: any word
 *   that is not an encoding's name reads the same as none; and `res.end` given the body for a
 *   HEAD (`req.method === 'HEAD'` mutated to false): Node sends no body in answer to HEAD anyway;
 * - first-slide.ts's checks for a malformed code, a missing deck or a slide past the deck (each
 *   mutated away, or its catch emptied): the store finds no room for a malformed code, and a
 *   TypeError past a missing deck or slide lands in the same catch-all, so the page gets no first
 *   slide either way (it joins over its socket); only the log line differs;
 * - readJson's empty body read as `'null'`, and its catch of a body that is not JSON emptied
 *   (routes.ts): refused INVALID_PAYLOAD either way, by the schema or by JSON.parse, only the
 *   message differs; likewise roomFor's and first-slide's malformed-code check mutated away:
 *   the store finds no room for it, NOT_FOUND either way; and `authorization ?? ''` for a
 *   request without one: no word but a Bearer authorization passes;
 * - the public deck's cache per deck (publicDeckBody's `if (!body)` mutated to true): every
 *   phone gets the same bytes either way; the cache saves work, which no test may time;
 * - team:pick's `mode !== 'tables'` check mutated away (teams.handlers.ts): a room forming its
 *   teams itself has 0 tables, so the next check refuses every table INVALID_PAYLOAD the same way;
 * - page-cache.ts reading a chunk's bytes where Node reads them the same (`typeof chunk ===
 *   'string'` or `typeof encoding === 'string'` mutated to true, or the 'utf8' default emptied:
 *   Buffer.from ignores an encoding for bytes and reads none, or '', as UTF-8); the word it
 *   compares for a page with no type (any word but text/html is refused alike); `value ===
 *   undefined` (getHeaders holds no undefined); how hard it compresses (`quick`, size only); and
 *   its handler for a compression that fails (zlib does not fail on bytes in memory, which no
 *   test can arrange; without the handler the page's waiters would wait instead of re-rendering);
 * - io.ts's `httpCompression: false` mutated to true: it compresses long-polling responses
 *   only, which decode the same (phones use the websocket);
 * - io.ts's `serveClient: false` mutated to true: socket.io serves its client script only from
 *   a server it attaches to, and this one is bound to an engine of its own (io.bind), so no
 *   such route exists either way;
 * - the socket.io adapter passed to the server (io.ts): only two processes sharing a Redis use
 *   it, and that test runs its servers in child processes, where no mutant is switched on;
 * - which view poll-view.ts asks `pollState` for when it means the presenter's ('presenter'
 *   mutated to ''): only 'student' hides anything, so any other word is the presenter's view;
 * - snapshotFor tallying only for a presenter or a revealed poll (the condition mutated to true,
 *   or the student's empty results to a non-empty list): a student's view of an unrevealed poll
 *   drops results whatever it is given, so the condition saves work, which no test may time.
 *
 * And in the five server/realtime/*.handlers.ts:
 * - an event's sender 'member' mutated to '': handle() asks every sender but 'anyone' to have
 *   joined a room and only 'presenter' to be a presenter, so '' reads as 'member' (a
 *   'presenter' mutated to '' is caught: a student's every presenter action is tested FORBIDDEN);
 * - a student's own record read with `?.` (poll:vote's `?.name`, team:rename's `me?.teamId`,
 *   team:pick's `before?.teamId`) mutated to `.`: a student who joined is in the store
 *   (placeStudent adds them on join), and teams.handlers.ts's `getRoom(code)?.deckId` is read
 *   for a room the handler already opened; and poll:vote's `outcome === 'time-up'` mutated to
 *   true: closeIfOverdue checks the deadline itself and closes nothing before it;
 * - predictions.handlers.ts's load(): the deck's prediction-and-key check mutated away (or `||`
 *   to `&&`): a prediction the deck lacks was never opened, so the store's check that follows
 *   refuses it NOT_FOUND all the same, only the message differs; predict:poll's `if (existing)`
 *   mutated to false: the store's addPoll keeps a poll already there and returns it, so the
 *   check only saves building it again; and predict:reveal's stand-in row of a team without a
 *   sheet emptied to `{}` or its `prints` mutated: Python grades a row with no kind and no value
 *   blank, whatever its prints (its value is pinned: a team that never opened its sheet is blank);
 * - rooms.handlers.ts: a presenter's join pushing a board when no prediction is on screen
 *   (`room.activePredictionId` mutated to true): the board of a prediction the deck lacks is
 *   empty, and the speaker view draws only the board of the prediction it shows; and slide:set's
 *   `!after || !arrival` mutated to `&&`: the change returns the arrival's room or nothing, so
 *   `after` is missing exactly when `arrival` is; and leaveCurrentRoom's `if (!code) return`
 *   mutated away: leaving the socket.io rooms of no room does nothing;
 * - teams.handlers.ts leaving or joining a team's rooms when there is no team (moveSockets'
 *   `if (from)` or `if (to)`, or placeStudent's `else if (me.teamId)`, mutated to true): it
 *   leaves or joins rooms named for a `null` team,
 *   to which nothing is ever sent; likewise a stray id in the deck's prediction ids
 *   (predictionIdsOf's `[]` mutated to a non-empty list) or in formTeamsNow's connected students
 *   (its `[]` mutated to a non-empty list): no sheet room and no participant has that name;
 * - sheets.handlers.ts's disconnect relaying the worker's leave only when there is one
 *   (`if (reply.relay)` mutated to true): the worker has no presence to forget only once it
 *   was replaced by its watchdog, which loses the docs; no test can stall a worker between a
 *   phone's presence and its leave;
 *
 * And in server/polls, server/rooms and server/protocol:
 * - tallies.ts forgetting quiet polls past 1,000 (the condition or comparison mutated): a poll
 *   whose last send is over an interval old is due either way, so only memory use differs; and
 *   sending at once only when the wait is over 0 ms (`wait < 0`): a 0 ms timer sends it the same;
 * - poll.ts: numericBounds reading a non-numeric poll's min/max (the compiler gives none), and an
 *   empty histogram's early return (Array.from of length -Infinity + 1 is already empty);
 * - first-slide.ts's decodeFirstSlide: its check for no header mutated away, or its catch
 *   emptied: Buffer.from(null) and JSON.parse('') throw, and a function that falls out of its
 *   catch returns undefined, so the page gets no first slide either way;
 * - room.ts's findDeckPoll cache per deck (`if (!polls)` mutated to true): the same map, rebuilt.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['server/protocol/**/*.ts', 'server/realtime/**/*.ts', 'server/rooms/**/*.ts', 'server/polls/**/*.ts', 'server/http/**/*.ts'],
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (schemas, constants) would need the whole suite per mutant.
  ignoreStatic: true,
  // The box is shared: two test processes at most, each running real servers.
  concurrency: 2,
  timeoutMS: 30_000,
  // A mutant's covering tests may run for 3x their first-run time before it counts as a timeout
  // (detected): at 1.5x (the default), an equivalent mutant in address-limits.ts timed out on
  // this shared box at load 8 and was counted as caught.
  timeoutFactor: 3,
  // The first run of the whole suite, on a busy machine, takes minutes.
  dryRunTimeoutMinutes: 20,
  // event-recorder writes each mutant's result as it is tested, readable before a long run ends.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: 'reports/mutation/events' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // `--incremental` re-tests only the mutants whose code or covering tests changed since this file was written.
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
