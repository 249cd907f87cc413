def running_total():
    total = 0
    try:
        while True:
            total += yield total
    except GeneratorExit:
        return total  # close() returns it on 3.13+; None before
