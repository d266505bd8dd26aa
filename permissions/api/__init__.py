"""Read API (DRF) over the charter's single visibility policy."""
