"""Production runs: resumable output, local worker processes, dask.distributed clusters and
directories of part files (``mcgen run --resume / --jobs / --scheduler / --parts``,
``mcgen merge``).

Events come in fixed random-stream blocks (mcgen.streams) and any block can be drawn anywhere,
any time (Generator.generate_blocks). A run is a list of tasks, each a few consecutive blocks,
done in this process, in worker processes or on a dask cluster; the output holds the same
events whatever did them.

Resume. One output file is written as ``.NAME.partPID`` beside a journal ``.NAME.journal``
(JSON lines: first what run it is -- card, seed, events, configuration, branches -- then, each
time chunks are durably in the file (fsync, in a background thread: the writer never waits for
the disk), how many blocks the file holds). A run stopped at
any point (Ctrl-C, SIGTERM, also SIGKILL or a power cut) leaves both; ``--resume`` checks that
the journal is for the same card, seed and events, copies the finished entries into a new file
and generates the rest. The journal, not the file's own entry count, says what is finished:
uproot writes a TTree's entry count before the basket lists of its branches, so a file killed
inside an ``extend`` can claim entries some branches lack (seen with SIGKILL; the entries the
journal lists always read back).

Workers. Each worker process (or dask worker thread) receives the Generator once, pickled
without its plan (the tables reach ~200 MB for a near source), plans it once and keeps it for
the tasks of that run (planning is deterministic: the same tables as the parent's). The parent
writes chunks in block order as they arrive, holding at most a window of tasks in flight
(bounded memory). Local workers hand their chunks over in a few shared-memory files reused
for the whole run (tasks.Slots), the flat branches already big-endian as the ROOT file stores
them: the parent only compresses and writes. A worker that dies is replaced and its tasks drawn
again: blocks are never lost or written twice, since the parent writes each task once.

Parts. ``--parts DIR`` makes each task a part file written by the worker itself
(``DIR/part-00000.root`` ...: every writer works at once) and a ``DIR/manifest.json`` listing
the finished parts (rewritten atomically after each); ``merge`` joins them into one file equal
to a one-process run, and ``uproot.concatenate`` reads them in name order.

Modules: `tasks` (what a worker does), `runners` (who runs the tasks), `journal` (locks,
journal, manifest), `run` (`produce`, `merge`).
"""

from __future__ import annotations

from .journal import MANIFEST, Journal, read_manifest
from .run import PART_EVENTS, merge, produce, read_events
from .tasks import Task, Work, part_name, recipe

__all__ = ["MANIFEST", "PART_EVENTS", "Journal", "Task", "Work", "merge", "part_name", "produce",
           "read_events", "read_manifest", "recipe"]
