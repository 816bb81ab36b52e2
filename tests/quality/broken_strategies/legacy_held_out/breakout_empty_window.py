from backtesting import Strategy


class DonchianBreakout(Strategy):
    """Turtle-style breakout: buy a new 20-day high, exit on a new 10-day low."""

    entry_lookback = 20
    exit_lookback = 10

    def init(self):
        pass

    def next(self):
        highest_high = self.data.High[-self.entry_lookback - 1:-1].max()
        lowest_low = self.data.Low[-self.exit_lookback - 1:-1].min()
        price = self.data.Close[-1]

        if not self.position and price > highest_high:
            self.buy()
        elif self.position and price < lowest_low:
            self.position.close()
