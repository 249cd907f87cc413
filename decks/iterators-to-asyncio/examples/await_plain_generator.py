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


if __name__ == "__main__":
    coro = main()
    print(coro.send(None))  # "tick" comes out from inside the first await
    try:
        coro.send(None)
    except TypeError as error:
        print("TypeError:", error)
