def first_two(it):
    yield next(it)
    yield next(it)  # nothing left: StopIteration escapes the body


def first_two_safely(it):
    for _, item in zip(range(2), it):  # for catches StopIteration
        yield item


if __name__ == "__main__":
    print(list(first_two_safely(iter([1]))))
    try:
        print(list(first_two(iter([1]))))
    except RuntimeError as error:
        print("RuntimeError:", error)
