from backtesting import Strategy


class ZScoreReversion(Strategy):
    lookback = 20
    entry_z = -2.0
    exit_z = 0.0

    def init(self):
        pass

    def next(self):
        if len(self.data) < self.lookback:
            return
        close = self.data.Close
        mean = close.rolling(self.lookback).mean()[-1]
        std = close.rolling(self.lookback).std()[-1]
        z = (close[-1] - mean) / std
        if not self.position and z < self.entry_z:
            self.buy()
        elif self.position and z > self.exit_z:
            self.position.close()
