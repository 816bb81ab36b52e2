import pandas as pd
from backtesting import Strategy


class VolumeSpike(Strategy):
    """Buy on a volume spike with an up close; exit after a down close."""

    window = 20
    multiple = 2.0

    def init(self):
        pass

    def next(self):
        volume = pd.Series(self.data.Volume)
        avg_volume = volume.rolling(self.window).mean()
        up_close = self.data.Close[-1] > self.data.Open[-1]
        if volume[-1] > self.multiple * avg_volume[-1] and up_close and not self.position:
            self.buy()
        elif self.position and self.data.Close[-1] < self.data.Open[-1]:
            self.position.close()
