from collections import deque


def task(name, steps):
    for i in range(1, steps + 1):
        print(f"{name}: step {i}")
        yield  # give control back to the loop


def run(tasks):
    ready = deque(tasks)
    while ready:  # one event loop...
        current = ready.popleft()
        try:
            next(current)  # ...calling callbacks, one step each
        except StopIteration:
            print("loop: a task finished")
            continue
        ready.append(current)  # not finished: back of the queue


if __name__ == "__main__":
    run([task("A", 2), task("B", 3)])
