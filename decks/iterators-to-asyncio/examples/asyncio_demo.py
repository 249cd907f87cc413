import asyncio


async def brew(drink, seconds):
    print(f"{drink}: start")
    await asyncio.sleep(seconds)  # the loop runs the other task
    print(f"{drink}: done")


async def main():
    # Both at once: about 0.5 s in all, not 0.5 + 0.4
    await asyncio.gather(brew("coffee", 0.5), brew("tea", 0.4))


asyncio.run(main())
