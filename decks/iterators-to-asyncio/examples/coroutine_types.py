import inspect
import types


def accumulate():  # a coroutine in the PEP 342 sense: you send() into it
    total = 0
    while True:
        total += yield total


async def native():  # PEP 492 (3.5): a coroutine type of its own
    return 42


@types.coroutine
def flagged():  # a generator that await accepts
    yield


print("iscoroutine, isawaitable:")
for obj in (accumulate(), native(), flagged()):
    is_coro, awaitable = inspect.iscoroutine(obj), inspect.isawaitable(obj)
    print(f"{obj.__name__:11} {is_coro!s:6} {awaitable}")
    obj.close()
