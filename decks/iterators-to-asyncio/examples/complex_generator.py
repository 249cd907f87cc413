def accumulate():
    total = 0
    while True:
        value = yield total  # send(x) resumes here: value = x
        if value is not None:  # next(g) sends None: nothing to add
            total += value


if __name__ == "__main__":
    acc = accumulate()
    print(next(acc))  # prime it: run to the first yield
    print(acc.send(5))
    print(acc.send(10))
    print(acc.send(None))  # the same as next(acc)
    print(next(acc))
