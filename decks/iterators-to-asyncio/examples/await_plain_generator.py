import types


@types.coroutine
def flagged():
    yield "tick"


def plain():  # the same generator, without the decorator
    yield "tick"


async def main():
    await flagged()  # a generator-based coroutine is awaitable
    print("awaited the @types.coroutine generator")
    await plain()  # a plain generator is not


coro = main()
print(coro.send(None))  # "tick" comes out from inside the first await
try:
    coro.send(None)
except TypeError:
    print("TypeError: a plain generator cannot be awaited")
