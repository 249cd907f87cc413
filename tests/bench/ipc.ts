/** Messages between the benchmark (parent) and the server child (server-entry.ts or floor-entry.ts, via child-side.ts). */

/** Parent → child. */
export type ToServer =
  /** Report memory and what the event loop did since the last `reset`; `gc` collects first (child runs with --expose-gc). */
  | { type: 'stats'; id: number; gc: boolean; reset: boolean }
  | { type: 'stop' };

/** What the child reports about itself. CPU, ELU and lag cover the window since the last reset. */
export type ServerStats = {
  rss: number;
  heapUsed: number;
  external: number;
  /** engine.io clients currently connected. */
  sockets: number;
  windowMs: number;
  cpuMs: number;
  /** Event-loop utilisation over the window, 0..1. */
  elu: number;
  /**
   * The event-loop (main) thread alone, from /proc/self/schedstat (Linux; NaN elsewhere): time on a
   * CPU, and time runnable but waiting for one. ELU near 1 with CPU well under the window means the
   * loop was either queued behind other processes (runqWaitMs) or blocked in the kernel (the rest).
   */
  mainCpuMs: number;
  runqWaitMs: number;
  /** Event-loop delay beyond the 10 ms sampling timer (monitorEventLoopDelay). */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
};

/** Child → parent. The port goes to stdout as one JSON line `{"port": N}` (see child-side.ts). */
export type FromServer = { type: 'stats'; id: number; stats: ServerStats };

export type PortLine = { port: number };
