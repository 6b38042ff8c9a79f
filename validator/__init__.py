"""asr-guard: stop changes that silently break Azure Site Recovery replication."""

from validator.__version__ import __version__

__all__ = ["__version__"]
