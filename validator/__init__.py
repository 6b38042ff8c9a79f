"""asr-guard: stop changes that silently break Azure Site Recovery replication."""

__version__ = "0.1.0"
