import asyncio
import warnings

# The "never awaited" warning goes to stderr: print it for the slide.
warnings.showwarning = lambda m, c, *_: print(f"  {c.__name__}: {m}")


async def brew(drink, seconds):
    print(f"  {drink}: start")
    await asyncio.sleep(seconds)
    print(f"  {drink}: done")


async def main():
    print("await, then await:")
    await brew("coffee", 0.3)  # runs brew to its end, then goes on
    await brew("tea", 0.1)
    print("gather, both at once:")
    await asyncio.gather(brew("coffee", 0.3), brew("tea", 0.1))
    print("called, never awaited:")
    brew("juice", 0.1)  # a coroutine object, dropped: nothing runs


asyncio.run(main())
