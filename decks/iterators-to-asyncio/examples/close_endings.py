def stubborn():
    try:
        yield "working"
    except GeneratorExit:
        yield "not yet"  # yielding while closing

def give_up():
    try:
        yield "trying"
    except ValueError:
        return "gave up"  # throw() ends in StopIteration

g = stubborn()
next(g)
try:
    g.close()
except RuntimeError as error:
    print("RuntimeError:", error)
g = give_up()
next(g)
try:
    g.throw(ValueError)
except StopIteration as stop:
    print("StopIteration:", stop.value)
