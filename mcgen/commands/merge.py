"""`mcgen merge DIR -o OUT.root`: join the part files of a `mcgen run --parts DIR` run."""

from __future__ import annotations

HELP = "join the part files of a run made with --parts into one ROOT file"


def add_arguments(p) -> None:
    p.description = ("Join the part files of `mcgen run ... --parts DIR` (listed in "
                     "DIR/manifest.json) into one ROOT file with the same events, metadata and "
                     "run card as a one-process run.")
    p.add_argument("directory", help="the directory given to mcgen run --parts")
    p.add_argument("-o", "--output", required=True, help="the ROOT file to write")
    p.add_argument("--compression", help="lz4, zstd, zlib or none (default: the parts')")


def main(args) -> int:
    import time
    from pathlib import Path

    from ..errors import ConfigError

    parts = Path(args.directory)
    if not (parts / "manifest.json").is_file():  # before the production imports (~2 s)
        why = ("has no manifest.json" if parts.is_dir() else
               "is not a directory" if parts.exists() else "not found")
        raise ConfigError(f"directory = {args.directory!r}: {why}; give the directory of a "
                          "`mcgen run --parts DIR` run")
    from ..production import merge

    t0 = time.perf_counter()
    n = merge(args.directory, args.output, compression=args.compression)
    print(f"merged {n} events from {args.directory} into {args.output} "
          f"({time.perf_counter() - t0:.1f} s)")
    return 0
