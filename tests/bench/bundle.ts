/**
 * What JavaScript a route makes the browser download, read from the production build in .next/
 * (Next 16, Turbopack). Nothing is started. Method:
 *
 * 1. `.next/server/app/<route>/page/build-manifest.json` → `rootMainFiles`: the Turbopack runtime
 *    and framework chunks every app route loads, and `polyfillFiles`, which the HTML tags
 *    `noModule` (modern browsers skip them; reported apart, not in the total).
 * 2. `.next/server/app/<route>/page_client-reference-manifest.js` sets
 *    `globalThis.__RSC_MANIFEST["/<route>/page"]`; its `entryJSFiles` maps each segment on the
 *    route (root layout, global-error, the page) to the client chunks the HTML tags. The file is
 *    evaluated in an empty `vm` context. `entryCSSFiles` gives the stylesheets the same way.
 *    (1) ∪ (2) is exactly the set of `<script async>` tags in the served HTML — checked against the
 *    prerendered `.next/server/app/index.html` of `/`.
 * 3. Lazy chunks (`import()`): Turbopack writes the paths of the chunks an import loads as
 *    `"static/chunks/….js"` strings inside the importing chunk. Following those strings from the
 *    initial set (transitively) gives what the route can fetch later (the presenter's reveal.js).
 *
 * Sizes are the files on disk (minified); gzip is zlib at its default level, as Next's
 * `compress` serves them; brotli (at its default, the best quality) is what a CDN or nginx with
 * precompressed files would serve instead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export type FileSize = { file: string; bytes: number; gzip: number; brotli: number };
export type FileGroup = { files: FileSize[]; bytes: number; gzip: number; brotli: number };
export type RouteBundle = {
  route: string;
  /** Script tags in the page's HTML: framework + runtime + the route's own chunks. */
  initialJs: FileGroup;
  /** Chunks the page may `import()` after load. */
  lazyJs: FileGroup;
  /** `noModule` polyfills: only very old browsers download them. */
  polyfillJs: FileGroup;
  css: FileGroup;
};
export type BundleReport =
  | { ok: true; buildId: string; builtAt: string; method: string; stale: string | undefined; routes: RouteBundle[] }
  | { ok: false; message: string };

const CHUNK_REF = /static\/chunks\/[\w.-]+\.js/g;

type RscManifest = { entryJSFiles?: Record<string, string[]>; entryCSSFiles?: Record<string, { path: string }[]> };
type BuildManifest = { rootMainFiles?: string[]; polyfillFiles?: string[] };

function sizes(nextDir: string, files: Iterable<string>): FileGroup {
  const list = [...new Set(files)].sort().map((file): FileSize => {
    const data = readFileSync(join(nextDir, file));
    return { file, bytes: data.length, gzip: gzipSync(data).length, brotli: brotliCompressSync(data).length };
  });
  const total = (key: 'bytes' | 'gzip' | 'brotli') => list.reduce((sum, f) => sum + f[key], 0);
  return { files: list, bytes: total('bytes'), gzip: total('gzip'), brotli: total('brotli') };
}

function readRscManifest(file: string, page: string): RscManifest {
  const sandbox: { __RSC_MANIFEST?: Record<string, RscManifest> } = {};
  runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file, timeout: 1_000 });
  const manifest = sandbox.__RSC_MANIFEST?.[page];
  if (!manifest) throw new Error(`${file} has no entry for ${page}`);
  return manifest;
}

function routeBundle(nextDir: string, route: string): RouteBundle {
  const dir = join(nextDir, 'server/app', route);
  const build = JSON.parse(readFileSync(join(dir, 'page/build-manifest.json'), 'utf8')) as BuildManifest;
  const rsc = readRscManifest(join(dir, 'page_client-reference-manifest.js'), `/${route}/page`);

  const initial = new Set([...(build.rootMainFiles ?? []), ...Object.values(rsc.entryJSFiles ?? {}).flat()]);
  const lazy = new Set<string>();
  const queue = [...initial];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const ref of readFileSync(join(nextDir, file), 'utf8').match(CHUNK_REF) ?? []) {
      if (initial.has(ref) || lazy.has(ref) || !existsSync(join(nextDir, ref))) continue;
      lazy.add(ref);
      queue.push(ref);
    }
  }
  const css = Object.values(rsc.entryCSSFiles ?? {}).flat().map((entry) => entry.path);
  return {
    route: `/${route}`,
    initialJs: sizes(nextDir, initial),
    lazyJs: sizes(nextDir, lazy),
    polyfillJs: sizes(nextDir, build.polyfillFiles ?? []),
    css: sizes(nextDir, css),
  };
}

/** Newest file under `dir` (recursively), to tell whether the build predates the sources. */
function newestMtime(dir: string): { file: string; mtimeMs: number } | undefined {
  if (!existsSync(dir)) return undefined;
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

export function measureBundles(repoRoot: string, routes: string[]): BundleReport {
  const nextDir = join(repoRoot, '.next');
  const buildIdFile = join(nextDir, 'BUILD_ID');
  if (!existsSync(buildIdFile)) return { ok: false, message: 'no build: run npm run build first' };
  const builtAtMs = statSync(buildIdFile).mtimeMs;
  const newest = [newestMtime(join(repoRoot, 'app')), newestMtime(join(repoRoot, 'server/protocol'))]
    .filter((x) => x !== undefined)
    .sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  const stale = newest && newest.mtimeMs > builtAtMs ? `build is older than ${newest.file.slice(repoRoot.length + 1)}; run npm run build for current sizes` : undefined;
  try {
    return {
      ok: true,
      buildId: readFileSync(buildIdFile, 'utf8').trim(),
      builtAt: new Date(builtAtMs).toISOString(),
      method: 'rootMainFiles (page/build-manifest.json) ∪ entryJSFiles (page_client-reference-manifest.js); lazy = chunk paths referenced inside those chunks',
      stale,
      routes: routes.map((route) => routeBundle(nextDir, route)),
    };
  } catch (error) {
    return { ok: false, message: `could not read the build manifests: ${(error as Error).message}` };
  }
}
