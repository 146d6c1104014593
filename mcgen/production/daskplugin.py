"""The Generator on every dask worker: a worker plugin carries the pickled Generator
(`tasks.recipe`) to the workers of the cluster, also to those that join later (a worker that
died and was restarted), so that tasks carry only its token: a task that depended on the recipe
as data would make the scheduler keep the tasks near its copies. Imported only with dask."""

from __future__ import annotations

from distributed import WorkerPlugin

from . import tasks


class RecipePlugin(WorkerPlugin):
    """Installs a run's recipe on each worker (removed with the plugin at the end)."""

    def __init__(self, token: str, recipe: bytes):
        self.token, self.recipe = token, recipe

    def setup(self, worker) -> None:
        tasks.install(self.token, self.recipe)

    def teardown(self, worker) -> None:
        tasks.uninstall(self.token)
