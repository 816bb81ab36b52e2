"""Market datasets uploaded by users; the bars live in a file, the row describes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MarketDataset(models.Model):
    """An uploaded OHLCV file its owner can use as a symbol (``MYDATA``) in backtests."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_datasets"
    )
    name = models.CharField(
        max_length=32, help_text="Upper-case symbol name, unique per owner (e.g. MYDATA)."
    )
    file_path = models.CharField(
        max_length=500, help_text="Normalised gzip CSV, relative to the data directory."
    )
    rows = models.PositiveIntegerField()
    rows_dropped = models.PositiveIntegerField(
        default=0,
        help_text="Data rows of the file not kept: blank, a missing or infinite price, or an "
        "earlier row with the same time (the last one is kept)",
    )
    start = models.DateTimeField(help_text="First bar (UTC).")
    end = models.DateTimeField(help_text="Last bar (UTC).")
    interval = models.CharField(
        max_length=8, blank=True, help_text="Inferred bar interval (1d, 1h ...); blank if unknown."
    )
    original_filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField(default=0, help_text="Size of the uploaded file.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_dataset_name_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_id})"
