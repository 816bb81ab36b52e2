import pandas as pd
from backtesting import Strategy
from backtesting.lib import crossover


def zscore(values, window):
    """Rolling z-score of a price series."""
    series = pd.Series(values)
    mean = series.rolling(window).mean()
    std = series.rolling(window).std()
    return np.where(std > 0, (series - mean) / std, 0.0)


class ZScoreReversion(Strategy):
    window = 20
    entry_z = -1.5
    exit_z = 0.0

    def init(self):
        self.z = self.I(zscore, self.data.Close, self.window)

    def next(self):
        if not self.position and self.z[-1] < self.entry_z:
            self.buy()
        elif self.position and self.z[-1] > self.exit_z:
            self.position.close()
