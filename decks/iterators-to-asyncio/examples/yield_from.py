def inner():
    yield 1
    yield 2
    return "inner done"  # becomes the value of the yield from


def outer():
    result = yield from inner()  # 1 and 2 go straight to our caller
    yield f"inner returned {result!r}"


def letters():
    yield from "ab"  # any iterable: its iterator is run to the end


if __name__ == "__main__":
    print(list(letters()))
    for value in outer():
        print(value)
