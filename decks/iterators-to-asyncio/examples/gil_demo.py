import time
from concurrent.futures import ThreadPoolExecutor

WORK = 2_000_000  # loop steps in total


def count_down(n):
    while n > 0:  # pure Python: needs the GIL the whole time
        n -= 1


def timed(threads):
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:  # waits for all
        pool.map(count_down, [WORK // threads] * threads)
    return time.perf_counter() - start


# Timings vary from run to run: best of 3 rounds, and only a verdict.
rounds = [(timed(1), timed(4)) for _ in range(3)]
one, four = min(r[0] for r in rounds), min(r[1] for r in rounds)
print(f"{WORK:,} steps in 1 thread, or split over 4 threads")
print("4 threads faster than 1?", "Yes" if one / four > 1.5 else "No")
