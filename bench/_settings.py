"""Benchmark settings: the base settings with tables built straight from the models.

Replaying every migration takes minutes on a busy machine; `migrate --run-syncdb`
without migration modules creates the same tables, indexes and constraints at once.
"""

from anju.settings.base import *  # noqa: F403


class _NoMigrations:
    def __contains__(self, item: str) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
