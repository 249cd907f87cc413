class Countdown:
    def __init__(self, start):
        self.current = start

    def __iter__(self):
        return self  # an iterator is its own iterable

    def __next__(self):
        if self.current <= 0:
            raise StopIteration  # no more data
        self.current -= 1
        return self.current + 1


for n in Countdown(3):  # iter() once, then next() until StopIteration
    print(n)
