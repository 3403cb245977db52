"""Optional Dask cluster backend: workshop batches and the app's analyses on `dask worker` machines."""
from __future__ import annotations

# address is light (no Dask import): the app reads KNEESCREEN_SCHEDULER through it at every analysis. The
# other modules import distributed, and are imported only when a scheduler address is given.
__all__ = ["address", "batch", "client", "work"]
