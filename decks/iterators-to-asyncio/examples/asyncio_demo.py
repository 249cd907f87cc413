import asyncio
import time


async def brew(drink, seconds):
    print(f"{drink}: start")
    await asyncio.sleep(seconds)  # the loop runs the other task
    print(f"{drink}: done")


async def main():
    start = time.perf_counter()
    await asyncio.gather(brew("coffee", 0.5), brew("tea", 0.4))
    elapsed = time.perf_counter() - start
    # One after the other takes 0.9 s; leave slack for a busy machine.
    print("both done in about 0.5 s, not 0.9 s:", elapsed < 0.8)


asyncio.run(main())
