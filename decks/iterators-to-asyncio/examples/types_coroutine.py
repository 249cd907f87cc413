import types


@types.coroutine
def pause(label):
    reply = yield label  # goes all the way out to the driver
    return reply


async def order(dish):
    print(f"ordering {dish}")
    reply = await pause(f"waiting for {dish}")  # suspended here
    return f"{dish}: {reply}"


if __name__ == "__main__":
    coro = order("soup")
    print(coro.send(None))  # runs to the yield inside pause()
    try:
        coro.send("served")  # comes back out of the await
    except StopIteration as finished:
        print(finished.value)  # the return value rides on it
