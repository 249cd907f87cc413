/**
 * The benchmark's reports from one run: a markdown summary where every figure stands beside the
 * floor's (bare socket.io, same run) with their ratio, and an SVG chart of p99 against N for both
 * servers, drawn here as a plain SVG string (no chart library).
 */
import type { BundleReport } from './bundle';
import type { FirstSlideReport } from './first-slide';
import type { JoinStormReport } from './join-storm';
import type { ServerKind } from './child';
import type { ScenarioResult } from './scenario';
import { kib, round, table } from './stats';
import type { VoteResult } from './votes';
import type { PredictionResult } from './predictions';

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };
/** yieldroom and the floor always; `twoNodes`: yieldroom on two nodes sharing a Redis (--two-nodes). */
export type Variant = ServerKind | 'twoNodes';
export const VARIANTS: readonly Variant[] = ['yieldroom', 'floor', 'twoNodes'];
export const VARIANT_NAMES: Record<Variant, string> = { yieldroom: 'yieldroom', floor: 'floor', twoNodes: 'yieldroom, 2 nodes + Redis' };
export type Pair<T> = Record<ServerKind, Outcome<T>> & Partial<Record<'twoNodes', Outcome<T>>>;
export type SizeReport = { students: number; fanout: Pair<ScenarioResult>; votes: Pair<VoteResult> | null; predictions: Pair<PredictionResult> | null };
export type Machine = { node: string; cores: number; cpu: string; totalMemGiB: number; openFiles: string; loadAtStart: number; busyBeforeStart: number };

const resultOf = <T>(o: Outcome<T> | undefined): T | undefined => (o?.ok ? o.result : undefined);

/** yieldroom ÷ floor, as "1.23×"; "—" when either is missing or the floor is 0. */
export function ratio(ours: number | undefined, floor: number | undefined): string {
  if (ours === undefined || floor === undefined || !Number.isFinite(ours) || !Number.isFinite(floor) || floor === 0) return '—';
  return `${round(ours / floor, 2)}×`;
}

type Row = { measure: string; pick: (f: ScenarioResult | undefined, v: VoteResult | undefined, p: PredictionResult | undefined) => number | undefined; target?: { max?: number; min?: number }; digits?: number };

function rowsFor(size: SizeReport): Row[] {
  const paces = resultOf(size.fanout.yieldroom)?.paces ?? resultOf(size.fanout.floor)?.paces ?? [];
  const modes = resultOf(size.votes?.yieldroom)?.rounds ?? resultOf(size.votes?.floor)?.rounds ?? [];
  const pct = (cpuMs: number, windowMs: number) => (100 * cpuMs) / windowMs;
  return [
    { measure: 'joins/s', pick: (f) => f?.join.socketsPerSecond, digits: 0 },
    ...paces.flatMap(({ movesPerSecond }, p): Row[] => {
      const at = (f: ScenarioResult | undefined) => f?.paces[p];
      const pace = `${movesPerSecond}/s`;
      return [
        { measure: `fan-out p50 ms @ ${pace}`, pick: (f) => at(f)?.fanoutMs.p50 },
        { measure: `fan-out p95 ms @ ${pace}`, pick: (f) => at(f)?.fanoutMs.p95 },
        { measure: `fan-out p99 ms @ ${pace}`, pick: (f) => at(f)?.fanoutMs.p99, target: { max: 1.25 } },
        { measure: `fan-out max ms @ ${pace}`, pick: (f) => at(f)?.fanoutMs.max },
        { measure: `loop lag max ms @ ${pace}`, pick: (f) => at(f)?.moving.lagMaxMs },
        { measure: `server CPU % @ ${pace}`, pick: (f) => (at(f) ? pct(at(f)!.moving.cpuMs, at(f)!.moving.windowMs) : undefined), digits: 0 },
        // Runnable but waiting for a CPU (Linux schedstat): high here means the box, not the server, set the latencies.
        { measure: `server loop queued for a CPU % @ ${pace}`, pick: (f) => (at(f) ? pct(at(f)!.moving.runqWaitMs, at(f)!.moving.windowMs) : undefined), digits: 0 },
      ];
    }),
    { measure: 'RSS KB per student', pick: (f) => f?.memory.kbPerSocket },
    ...modes.flatMap(({ mode }, r): Row[] => {
      const at = (v: VoteResult | undefined) => v?.rounds[r];
      const label = mode === 'spread' ? 'votes over ~1 s' : 'votes all at once';
      return [
        { measure: `${label}: acked/s`, pick: (_, v) => at(v)?.votesPerSecond, target: mode === 'burst' ? { min: 0.8 } : undefined, digits: 0 },
        { measure: `${label}: ack p50 ms`, pick: (_, v) => at(v)?.ackMs.p50 },
        { measure: `${label}: ack p99 ms`, pick: (_, v) => at(v)?.ackMs.p99, target: { max: 1.5 } },
        { measure: `${label}: tally exact after ms`, pick: (_, v) => at(v)?.tallyExactAfterMs ?? undefined },
        { measure: `${label}: server CPU %`, pick: (_, v) => (at(v) ? pct(at(v)!.server.cpuMs, at(v)!.server.windowMs) : undefined), digits: 0 },
        { measure: `${label}: server loop queued for a CPU %`, pick: (_, v) => (at(v) ? pct(at(v)!.server.runqWaitMs, at(v)!.server.windowMs) : undefined), digits: 0 },
      ];
    }),
    ...(size.predictions
      ? ([
          { measure: 'team edits: propagation p50 ms', pick: (_, __, p) => p?.propagationMs.p50 },
          { measure: 'team edits: propagation p99 ms', pick: (_, __, p) => p?.propagationMs.p99 },
          { measure: 'team edits: propagation max ms', pick: (_, __, p) => p?.propagationMs.max },
          { measure: 'team edits: server CPU % (with the sheet worker)', pick: (_, __, p) => (p ? pct(p.editing.cpuMs, p.editing.windowMs) : undefined), digits: 0 },
          { measure: 'team edits: server loop queued for a CPU %', pick: (_, __, p) => (p ? pct(p.editing.runqWaitMs, p.editing.windowMs) : undefined), digits: 0 },
        ] satisfies Row[])
      : []),
  ];
}

function targetCell(row: Row, ours: number | undefined, floor: number | undefined): string {
  if (!row.target) return '';
  const { max, min } = row.target;
  const bound = max !== undefined ? `≤ ${max}×` : `≥ ${min}×`;
  if (ours === undefined || floor === undefined || floor === 0) return bound;
  const r = ours / floor;
  const met = (max === undefined || r <= max) && (min === undefined || r >= min);
  return `${bound} ${met ? 'met' : '**missed**'}`;
}

/** Correctness per variant: every room:state delivered once, every vote acked, the tally exact, every team edit delivered. */
export function correctness(size: SizeReport, variant: Variant): string[] {
  const problems: string[] = [];
  const fanout = size.fanout[variant];
  if (fanout && !fanout.ok) problems.push(`fan-out failed: ${fanout.error}`);
  if (fanout?.ok)
    for (const p of fanout.result.paces)
      if (p.delivered !== p.expected || p.duplicates || p.unexpected) problems.push(`@ ${p.movesPerSecond}/s delivered ${p.delivered}/${p.expected} (+${p.duplicates} dup, ${p.unexpected} other)`);
  const votes = size.votes?.[variant];
  if (votes && !votes.ok) problems.push(`votes failed: ${votes.error}`);
  if (votes?.ok) {
    const v = votes.result;
    if (v.votesAcked !== v.votesSent) problems.push(`${v.votesAcked}/${v.votesSent} votes acked`);
    if (!v.tally.ok) problems.push(`tally not exact: expected ${v.tally.expected.join('/')}, presenter ${v.tally.lastTally?.join('/') ?? 'none'}, snapshot ${v.tally.snapshot?.join('/') ?? 'none'}`);
  }
  const predictions = size.predictions?.[variant];
  if (predictions && !predictions.ok) problems.push(`prediction round failed: ${predictions.error}`);
  if (predictions?.ok) {
    const { delivered, expected, refused, writes, acked } = predictions.result;
    if (delivered !== expected) problems.push(`team edits delivered ${delivered}/${expected}`);
    if (acked + Object.values(refused).reduce((a, b) => a + b, 0) !== writes) problems.push(`sheet writes answered ${acked + Object.values(refused).reduce((a, b) => a + b, 0)}/${writes} within the settle time`);
    if (Object.keys(refused).length) problems.push(`team edits refused: ${JSON.stringify(refused)}`);
  }
  return problems;
}

export function markdownSummary(run: { startedAt: string; machine: Machine; config: Record<string, unknown>; sizes: SizeReport[]; warnings: string[]; bundles: BundleReport; joinStorm?: JoinStormReport; firstSlide?: FirstSlideReport }): string {
  const m = run.machine;
  const out: string[] = [
    `# yieldroom bench, ${run.startedAt}`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.totalMemGiB} GiB, node ${m.node}, open files ${m.openFiles}; load average ${round(m.loadAtStart, 2)} and CPUs ${Math.round(m.busyBeforeStart * 100)} % busy before the start.`,
    `Config: ${Object.entries(run.config).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}.`,
    '',
    'Every figure beside the floor (bare socket.io with the same engine options and minimal protocol, in its own process, run in alternation with yieldroom in this same run); ratio = yieldroom ÷ floor. Load generator: the bench process; each server in a child process of its own. With --two-nodes, yieldroom again on two nodes sharing a Redis (presenter on the first, students split evenly; CPU and memory are both nodes together), beside the single node. Targets from issue 11.',
    ...run.warnings.map((w) => `\n> WARNING: ${w}`),
  ];
  for (const size of run.sizes) {
    const two = size.fanout.twoNodes !== undefined;
    const pick = (row: Row, variant: Variant) => row.pick(resultOf(size.fanout[variant]), resultOf(size.votes?.[variant]), resultOf(size.predictions?.[variant]));
    out.push('', `## ${size.students.toLocaleString('en')} students`, '');
    const rows = rowsFor(size).map((row) => {
      const [ours, floor] = [pick(row, 'yieldroom'), pick(row, 'floor')];
      const cell = (x: number | undefined) => (x === undefined ? '—' : String(round(x, row.digits ?? 1)));
      const cells = [row.measure, cell(ours), cell(floor), ratio(ours, floor), targetCell(row, ours, floor)];
      if (!two) return cells;
      const twoNodes = pick(row, 'twoNodes');
      return [...cells, cell(twoNodes), ratio(twoNodes, ours)];
    });
    out.push(
      two ? '| measure | yieldroom | floor | ratio | target | 2 nodes + Redis | 2 nodes ÷ 1 |' : '| measure | yieldroom | floor | ratio | target |',
      two ? '|---|--:|--:|--:|---|--:|--:|' : '|---|--:|--:|--:|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    );
    for (const variant of VARIANTS.filter((v) => v !== 'twoNodes' || two)) {
      const problems = correctness(size, variant);
      out.push('', `Correctness, ${VARIANT_NAMES[variant]}: ${problems.length === 0 ? "every room:state delivered once, every vote acked, the presenter's tally exact, every team edit delivered to every teammate." : `**${problems.join('; ')}**`}`);
    }
  }
  if (run.bundles.ok) {
    out.push('', '## Page JavaScript (production build)', '');
    out.push(
      '```',
      table([
        ['route', 'initial JS gzip KB', 'brotli KB', 'lazy JS gzip KB', 'brotli KB', 'CSS gzip KB', 'brotli KB'],
        ...run.bundles.routes.map((r) => [r.route, kib(r.initialJs.gzip), kib(r.initialJs.brotli), kib(r.lazyJs.gzip), kib(r.lazyJs.brotli), kib(r.css.gzip), kib(r.css.brotli)]),
      ]),
      '```',
    );
  }
  const storm = run.joinStorm;
  if (storm?.ok) {
    out.push('', '## Join storm', '');
    out.push(
      `${storm.phones.toLocaleString('en')} phones open the student page within ${storm.windowMs / 1000} s, each fetching the HTML, its ${storm.requestsPerPhone - 3} scripts and stylesheets, the deck, then joining over a socket (${kib(storm.bytesPerPhone)} KB over the wire per phone). One load generator and one connection pool: no floor to compare with (the floor has no page).`,
      '',
      '| measure | value |',
      '|---|--:|',
      `| phones joined | ${storm.joined} of ${storm.phones}${storm.failed.length ? ` (failed: ${storm.failed.join('; ')})` : ''} |`,
      `| per phone, first request to snapshot, p50 ms | ${round(storm.perPhoneMs.p50, 0)} |`,
      `| p99 ms | ${round(storm.perPhoneMs.p99, 0)} |`,
      `| the last snapshot, ms after the first phone | ${round(storm.lastSnapshotMs, 0)} |`,
      `| server CPU s for the storm | ${round(storm.serverCpuSeconds, 1)} |`,
    );
  } else if (storm) {
    out.push('', '## Join storm', '', `Not measured: ${storm.message}.`);
  }
  const page = run.firstSlide;
  if (page?.ok) {
    out.push('', '## First slide on a phone', '');
    out.push(
      `Pixel 7 in Chromium, ${page.network}, CPU slowed ${page.cpuSlowdown}×, a cold context each of ${page.runs} runs; the talk's room on "${page.slide}". Times from navigation start (ms); the page's HTML is ${kib(page.htmlBytes)} KB.`,
      '',
      '| until | p50 | max |',
      '|---|--:|--:|',
      `| the live slide's heading is visible (rendered into the HTML) | ${round(page.headingVisibleMs.p50, 0)} | ${round(page.headingVisibleMs.max, 0)} |`,
      `| largest contentful paint | ${round(page.largestPaintMs.p50, 0)} | ${round(page.largestPaintMs.max, 0)} |`,
      `| the page is live (script, deck, socket joined): when the slide showed before | ${round(page.liveMs.p50, 0)} | ${round(page.liveMs.max, 0)} |`,
    );
  } else if (page) {
    out.push('', `## First slide on a phone`, '', `Not measured: ${page.message}.`);
  }
  return `${out.join('\n')}\n`;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

type Series = { name: string; color: string; points: { x: number; y: number }[] };

/** One panel: lines and points for each series against N, axes from 0 with round ticks. */
function panel(title: string, series: Series[], xs: number[], left: number, width: number, height: number): string {
  const top = 40;
  const bottom = height - 40;
  const plotLeft = left + 55;
  const plotRight = left + width - 45;
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const step = niceStep((Math.max(1, ...ys) * 1.1) / 5);
  const yMax = step * Math.ceil((Math.max(1, ...ys) * 1.1) / step);
  const xMax = Math.max(...xs);
  const px = (x: number) => plotLeft + (xs.length === 1 ? (plotRight - plotLeft) / 2 : ((plotRight - plotLeft) * x) / xMax);
  const py = (y: number) => bottom - ((bottom - top) * y) / yMax;
  const parts = [`<text x="${left + width / 2}" y="22" text-anchor="middle" font-weight="bold">${escape(title)}</text>`];
  for (let y = 0; y <= yMax + 1e-9; y += step) {
    parts.push(`<line x1="${plotLeft}" x2="${plotRight}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`, `<text x="${plotLeft - 6}" y="${py(y) + 4}" text-anchor="end">${round(y, 1)}</text>`);
  }
  for (const x of xs) parts.push(`<text x="${px(x)}" y="${bottom + 18}" text-anchor="middle">${x.toLocaleString('en')}</text>`);
  parts.push(`<text x="${(plotLeft + plotRight) / 2}" y="${bottom + 34}" text-anchor="middle">students (N)</text>`);
  parts.push(`<line x1="${plotLeft}" x2="${plotLeft}" y1="${top}" y2="${bottom}" stroke="#333"/>`, `<line x1="${plotLeft}" x2="${plotRight}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  for (const s of series) {
    if (s.points.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ')}"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="4" fill="${s.color}"><title>${escape(s.name)}: ${round(p.y)} ms at ${p.x}</title></circle>`);
      parts.push(`<text x="${px(p.x) + 8}" y="${py(p.y) - 6}" fill="${s.color}">${Math.round(p.y)}</text>`);
    }
  }
  return parts.join('\n');
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
}

/** Fan-out p99 (at the base pace) and vote ack p99 (all at once) against N, yieldroom and the floor. */
export function p99Chart(sizes: SizeReport[], machine: Machine): string {
  const colors: Record<Variant, string> = { yieldroom: '#c0392b', floor: '#2c3e50', twoNodes: '#e67e22' };
  const shown = VARIANTS.filter((v) => v !== 'twoNodes' || sizes.some((s) => s.fanout.twoNodes));
  const xs = sizes.map((s) => s.students);
  const seriesOf = (pick: (s: SizeReport, variant: Variant) => number | undefined) =>
    shown.map((server) => ({
      name: server,
      color: colors[server],
      points: sizes.flatMap((s) => {
        const y = pick(s, server);
        return y === undefined ? [] : [{ x: s.students, y }];
      }),
    }));
  const fanout = seriesOf((s, server) => resultOf(s.fanout[server])?.paces[0]?.fanoutMs.p99);
  const pace = resultOf(sizes[0]?.fanout.yieldroom)?.paces[0]?.movesPerSecond;
  const votes = seriesOf((s, server) => resultOf(s.votes?.[server])?.rounds.find((r) => r.mode === 'burst')?.ackMs.p99);
  const edits = seriesOf((s, server) => resultOf(s.predictions?.[server])?.propagationMs.p99 ?? undefined);
  const width = 1140;
  const height = 330;
  const legend = shown
    .map((variant, i) => `<rect x="${20 + i * 240}" y="${height - 14}" width="12" height="12" fill="${colors[variant]}"/><text x="${38 + i * 240}" y="${height - 4}">${variant === 'floor' ? 'floor (bare socket.io)' : VARIANT_NAMES[variant]}</text>`)
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 20}" viewBox="0 0 ${width} ${height + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(`slide fan-out p99 (ms)${pace ? ` at ${pace} moves/s` : ''}`, fanout, xs, 0, width / 3, height - 20),
    panel('vote ack p99 (ms), all at once', votes, xs, width / 3, width / 3, height - 20),
    panel('team edit propagation p99 (ms)', edits, xs, (2 * width) / 3, width / 3, height - 20),
    legend,
    `<text x="${width - 10}" y="${height + 12}" text-anchor="end" fill="#666">${escape(`${machine.cores} cores, ${machine.cpu}, node ${machine.node}`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
