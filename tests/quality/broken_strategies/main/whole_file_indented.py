    from backtesting import Strategy
    from backtesting.lib import crossover
    from backtesting.test import SMA

    class IndentedCross(Strategy):
        def init(self):
            self.a = self.I(SMA, self.data.Close, 12)
            self.b = self.I(SMA, self.data.Close, 36)

        def next(self):
            if crossover(self.a, self.b):
                self.buy()
            elif crossover(self.b, self.a):
                self.position.close()
