def total_with_reset():
    total = 0
    while True:
        try:
            value = yield total
        except ValueError:  # throw() raises it at the paused yield
            total = 0  # handled: reset, then on to the next yield
            continue
        if value is not None:
            total += value


if __name__ == "__main__":
    g = total_with_reset()
    next(g)
    print(g.send(5), g.send(10))
    print(g.throw(ValueError))  # returns the next value yielded
    g.close()  # GeneratorExit at the paused yield: finished
    print(next(g, "closed: nothing more"))
