def countdown(n):
    print(f"starting at {n}")  # runs on the first next()
    while n > 0:
        yield n  # pause here, hand n to the caller
        n -= 1
    print("done")  # then falling off the end: StopIteration


if __name__ == "__main__":
    g = countdown(3)  # prints nothing: the body has not started
    print(next(g))
    print(next(g))
    for n in g:  # the for loop takes what is left
        print(n)
    print(list(g))  # a second pass gets nothing
