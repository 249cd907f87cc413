import time
from concurrent.futures import ThreadPoolExecutor


def count_down(n):
    while n > 0:  # pure Python: needs the GIL the whole time
        n -= 1


def timed(threads, work=1_000_000):  # the work split over threads
    wall, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(threads) as pool:  # waits for all
        pool.map(count_down, [work // threads] * threads)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu / wall  # CPU time / wall time: CPUs busy at once


one = min(timed(1) for _ in range(3))[0]  # best of 3: timings vary
four, busy = min(timed(4) for _ in range(3))
parallel = busy > 1.5  # load can only lower it: never a false Yes
faster = parallel and one / four > 1.5
print("4 threads kept several CPUs busy?", "Yes" if parallel else "No")
print("4 threads faster than 1?", "Yes" if faster else "No")
