from backtesting import Strategy


class ThreeUpDays(Strategy):
    """Buy after three consecutive up closes, exit after three down closes."""

    streak = 3

    def init(self):
        print "Strategy initialised"

    def next(self):
        closes = self.data.Close
        if len(closes) <= self.streak:
            return
        ups = all(closes[-i] > closes[-i - 1] for i in xrange(1, self.streak + 1))
        downs = all(closes[-i] < closes[-i - 1] for i in xrange(1, self.streak + 1))
        if ups and not self.position:
            self.buy()
        elif downs and self.position:
            self.position.close()
