/** `npm run soak`: the kill test at length (50 SIGKILLs by default, KILLS=N to change), with its figures. */
import { killSession } from '../support/kill-session';

const kills = Number(process.env.KILLS ?? 50);
const seed = Number(process.env.SEED ?? Date.now());
const started = Date.now();
const figures = await killSession({ kills, students: 50, seed });
const sorted = [...figures.restartMs].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`seed ${seed}: ${figures.kills} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`  acked votes ${figures.ackedVotes}, lost ${figures.lostVotes}, never sent ${figures.doubledVotes}`);
console.log(`  acked sheet edits ${figures.ackedEdits}, lost ${figures.lostEdits}`);
console.log(`  phones off the presenter's slide after a restart: ${figures.offSlide}; phones the server cut off: ${figures.cutOff}`);
console.log(`  restart to listening: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
const clean = figures.lostVotes === 0 && figures.doubledVotes === 0 && figures.lostEdits === 0 && figures.offSlide === 0 && figures.cutOff === 0;
process.exit(clean ? 0 : 1);
