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


for make in (accumulate, native, flagged):
    obj = make()
    print(f"{make.__name__}(): {type(obj).__name__}",
          f"iscoroutine={inspect.iscoroutine(obj)}",
          f"isawaitable={inspect.isawaitable(obj)}")
    obj.close()
