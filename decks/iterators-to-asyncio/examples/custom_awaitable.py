class Order:
    """`await Order(dish)` pauses once, then gives the dish."""

    def __init__(self, dish):
        self.dish = dish

    def __await__(self):  # must return an iterator: a generator will do
        reply = yield f"order {self.dish}"  # out to whoever drives
        return f"{self.dish}, {reply}"  # the value of the await


async def lunch():
    served = await Order("soup")  # suspended inside __await__
    return served.upper()


if __name__ == "__main__":
    coro = lunch()
    print(coro.send(None))  # what an event loop would see
    try:
        coro.send("hot")
    except StopIteration as done:
        print(done.value)
