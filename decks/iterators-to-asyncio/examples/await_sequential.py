import asyncio
import warnings

# The "never awaited" warning goes to stderr: print it, so the slide shows it.
warnings.showwarning = lambda message, category, *_: print(f"  {category.__name__}: {message}")


async def brew(drink, seconds):
    print(f"  {drink}: start")
    await asyncio.sleep(seconds)
    print(f"  {drink}: done")


async def main():
    print("await, await: one after the other")
    await brew("coffee", 0.3)  # runs brew to the end, then goes on
    await brew("tea", 0.1)
    print("gather: both at once")
    await asyncio.gather(brew("coffee", 0.3), brew("tea", 0.1))
    print("called, never awaited:")
    brew("juice", 0.1)  # a coroutine object, dropped: nothing runs


asyncio.run(main())
