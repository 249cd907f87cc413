import time
from concurrent.futures import ThreadPoolExecutor

WORK = 1_000_000  # loop steps in total


def count_down(n):
    while n > 0:  # pure Python: needs the GIL the whole time
        n -= 1


def timed(threads):
    wall, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(threads) as pool:  # waits for all
        pool.map(count_down, [WORK // threads] * threads)
    return time.perf_counter() - wall, time.process_time() - cpu


# A busy machine can slow either run, so wall time alone can mislead.
# CPU time over wall time counts the CPUs busy at once: load can only
# lower it, so it never shows parallelism that was not there.
one = min(timed(1)[0] for _ in range(3))
wall, cpu = min(timed(4) for _ in range(3))
parallel = cpu / wall > 1.5
print(f"{WORK:,} steps in 1 thread, or split over 4 threads")
print("4 threads kept several CPUs busy?", "Yes" if parallel else "No")
print("4 threads faster than 1?", "Yes" if parallel and one / wall > 1.5 else "No")
