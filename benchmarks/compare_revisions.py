#!/usr/bin/env python
"""Prove that a refactor changed no output: run every shipped card at two revisions, compare.

    python benchmarks/compare_revisions.py REV_A [REV_B] [--events N] [--cards macros/x.toml ...]
                                           [--keep DIR]

REV_A and REV_B are git revisions of this repository; REV_B defaults to the working tree as it
is (uncommitted changes included), also named WORKTREE. A revision is exported with
`git archive` into a temporary directory; each card (macros/*.toml present in both trees) runs
in a subprocess whose mcgen is that tree's copy, once plain and once with --final-state. The
`events` trees (branch names and order, types, values), the `metadata` JSON (except
mcgen_version) and the `run_card` must be identical. Exit 0: all identical; 1: a difference or a
failed run; 2: usage error.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import awkward as ak
import numpy as np
import uproot

WORKTREE = "WORKTREE"
RUN = "import sys; from mcgen.cli import main; sys.exit(main(sys.argv[1:]))"
WHERE = "import mcgen; print(mcgen.__file__)"
MODES = {"plain": [], "final-state": ["--final-state"]}
MAX_DETAILS = 30


class UsageError(Exception):
    """A bad argument or revision: reported in one line, exit code 2."""


@dataclass
class Tree:
    """One side of the comparison: a revision and the directory holding its files."""

    label: str  # "A" or "B"
    rev: str  # as given, or WORKTREE
    sha: str | None  # None for the working tree
    path: Path

    @property
    def name(self) -> str:
        return self.rev if self.sha is None else f"{self.rev} ({self.sha[:9]})"


@dataclass
class Run:
    """One run of one card at one tree."""

    output: Path
    seconds: float
    error: str | None  # None if the run succeeded


def git(repo: Path, *args: str) -> str:
    """Output of a git command in repo (stripped); UsageError if it fails."""
    p = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if p.returncode != 0:
        msg = p.stderr.strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {msg[-1] if msg else 'failed'}")
    return p.stdout.strip()


def resolve(repo: Path, rev: str) -> str:
    """The commit sha of rev; UsageError if rev is not a commit of repo."""
    p = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet",
                        f"{rev}^{{commit}}"], capture_output=True, text=True)
    if p.returncode != 0:
        raise UsageError(f"{rev!r} is not a revision of {repo}")
    return p.stdout.strip()


def export(repo: Path, sha: str, dest: Path) -> None:
    """Write the files of commit sha into dest (`git archive | tar -x`)."""
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise UsageError(f"git archive {sha} failed")


def make_tree(repo: Path, label: str, rev: str, workdir: Path) -> Tree:
    """The tree of rev: the repository itself for WORKTREE, else an export under workdir."""
    if rev == WORKTREE:
        return Tree(label, rev, None, repo)
    sha = resolve(repo, rev)
    path = workdir / f"tree-{label}"
    export(repo, sha, path)
    return Tree(label, rev, sha, path)


def environment(tree: Tree, workdir: Path) -> dict[str, str]:
    """Environment of a subprocess that must import this tree's mcgen and geometry."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree.path)] + (
        [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("MCGEN_GEOMETRY", None)  # the catalogue must come from the tree's geometry/
    if tree.sha is not None:  # exported to a fresh path: a private numba cache, removed with it
        env["NUMBA_CACHE_DIR"] = str(workdir / f"numba-{tree.label}")
    return env


def check_import(tree: Tree, env: dict[str, str]) -> str | None:
    """Print where the tree's subprocess imports mcgen from; an error message if it fails."""
    p = subprocess.run([sys.executable, "-c", WHERE], cwd=tree.path, env=env,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return f"{tree.label} {tree.name}: import mcgen failed: {last_line(p.stderr)}"
    where = Path(p.stdout.strip()).resolve()
    print(f"{tree.label} = {tree.name}: {tree.path}; mcgen imported from {where}")
    if not where.is_relative_to(tree.path.resolve()):
        raise UsageError(f"{tree.label}: mcgen is imported from {where}, not from {tree.path}")
    return None


def last_line(text: str) -> str:
    """The last non-blank line of text (the error message of a traceback)."""
    lines = [s for s in text.strip().splitlines() if s.strip()]
    return lines[-1] if lines else "(no message)"


def card_names(tree: Tree) -> set[str]:
    """File names of the tree's run cards, macros/*.toml."""
    return {p.name for p in (tree.path / "macros").glob("*.toml")}


def select_cards(a: Tree, b: Tree, wanted: list[str] | None) -> tuple[list[str], list[str]]:
    """Card names present in both trees (all, or those asked for), and notes on those left out."""
    in_a, in_b = card_names(a), card_names(b)
    if wanted is None:
        notes = [f"skipped, only in {tree.label}: {', '.join(sorted(only))}"
                 for tree, only in ((a, in_a - in_b), (b, in_b - in_a)) if only]
        return sorted(in_a & in_b), notes
    names = [Path(c).name for c in wanted]
    for name in names:
        for tree, have in ((a, in_a), (b, in_b)):
            if name not in have:
                raise UsageError(f"card {name!r} is not in macros/ of {tree.label} {tree.name}")
    return names, []


def run_card(tree: Tree, env: dict[str, str], card: str, n: int, flags: list[str],
             output: Path) -> Run:
    """Run one card with this tree's mcgen into output; wall time and error, if any."""
    cmd = [sys.executable, "-c", RUN, "run", f"macros/{card}", "-n", str(n), "-o", str(output),
           "-q", *flags]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=tree.path, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    error = None if p.returncode == 0 else f"exit {p.returncode}: {last_line(p.stderr)}"
    return Run(output, seconds, error)


def short(x, limit: int = 200) -> str:
    """repr of x, cut to limit characters."""
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + "..."


def value(x) -> str:
    """repr of an array element or list, full precision, without numpy type names."""
    return short(x.tolist() if hasattr(x, "tolist") else x)


def first_mismatch(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """(index of the first unequal element or -1, number unequal); NaN equals NaN."""
    same = a == b
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        same |= np.isnan(a) & np.isnan(b)
    bad = np.flatnonzero(~same)
    return (int(bad[0]) if bad.size else -1), int(bad.size)


def compare_branch(name: str, a: uproot.TBranch, b: uproot.TBranch, n: int) -> list[str]:
    """Differences of one branch over the first n entries (flat, or jagged via awkward)."""
    ta, tb = str(a.interpretation), str(b.interpretation)
    if ta != tb:
        return [f"branch {name}: type {ta} != {tb}"]
    xa, xb = a.array(library="ak", entry_stop=n), b.array(library="ak", entry_stop=n)
    if xa.ndim == 1:
        i, count = first_mismatch(ak.to_numpy(xa), ak.to_numpy(xb))
        return [] if i < 0 else [f"branch {name}: differs in {count} of {n} entries, first "
                                 f"entry {i}: {value(xa[i])} != {value(xb[i])}"]
    ca, cb = ak.to_numpy(ak.num(xa, axis=1)), ak.to_numpy(ak.num(xb, axis=1))
    i, count = first_mismatch(ca, cb)
    if i >= 0:
        return [f"branch {name}: length differs in {count} of {n} entries, first entry {i}: "
                f"{value(xa[i])} != {value(xb[i])}"]
    k, count = first_mismatch(ak.to_numpy(ak.flatten(xa)), ak.to_numpy(ak.flatten(xb)))
    if k < 0:
        return []
    i = int(np.searchsorted(np.cumsum(ca), k, side="right"))
    return [f"branch {name}: {count} of {ca.sum()} values differ, first in entry {i}: "
            f"{value(xa[i])} != {value(xb[i])}"]


def compare_trees(a: uproot.TTree, b: uproot.TTree) -> list[str]:
    """Differences of two `events` trees: entries, branch names and order, types, values."""
    diffs = []
    if a.num_entries != b.num_entries:
        diffs.append(f"entries {a.num_entries} != {b.num_entries}")
    names_a, names_b = a.keys(recursive=False), b.keys(recursive=False)
    if names_a != names_b:
        only_a = [k for k in names_a if k not in names_b]
        only_b = [k for k in names_b if k not in names_a]
        diffs.append(f"branches differ: only in A {only_a}, only in B {only_b}"
                     + ("" if only_a or only_b else "; same names, different order"))
    n = min(a.num_entries, b.num_entries)
    for name in (k for k in names_a if k in names_b):
        diffs += compare_branch(name, a[name], b[name], n)
    return diffs


def compare_json(a, b, where: str = "metadata") -> list[str]:
    """Differences of two JSON values, one line per differing key path; NaN equals NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b or k not in a:
                side = "A" if k in a else "B"
                out.append(f"{where}.{k}: only in {side}")
            else:
                out += compare_json(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b))
                for d in compare_json(x, y, f"{where}[{i}]")]
    both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return [] if a == b or both_nan else [f"{where}: {short(a)} != {short(b)}"]


def compare_strings(a: str | None, b: str | None, what: str) -> list[str]:
    """Difference of two TObjStrings (None: absent), with the first differing line."""
    if a == b:
        return []
    if a is None or b is None:
        return [f"{what}: only in {'A' if b is None else 'B'}"]
    la, lb = a.splitlines(), b.splitlines()
    i = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
    x, y = (la[i] if i < len(la) else "<end>"), (lb[i] if i < len(lb) else "<end>")
    return [f"{what}: line {i + 1}: {short(x)} != {short(y)}"]


def text_of(f: uproot.ReadOnlyDirectory, key: str) -> str | None:
    """The TObjString key of f as text, None if absent."""
    return str(f[key]) if key in f else None


def compare_files(path_a: Path, path_b: Path) -> tuple[int, str, list[str], list[str]]:
    """Entries, branch count (as text), the differences of the events trees and those of the
    metadata and run card of two output files."""
    with uproot.open(path_a) as fa, uproot.open(path_b) as fb:
        ta, tb = fa["events"], fb["events"]
        diffs = compare_trees(ta, tb)
        meta = [json.loads(text_of(f, "metadata") or "{}") for f in (fa, fb)]
        for m in meta:
            m.pop("mcgen_version", None)
        text = compare_json(*meta)
        text += compare_strings(text_of(fa, "run_card"), text_of(fb, "run_card"), "run_card")
        na, nb = len(ta.keys(recursive=False)), len(tb.keys(recursive=False))
        return ta.num_entries, (str(na) if na == nb else f"{na}/{nb}"), diffs, text


def report(card: str, mode: str, runs: tuple[Run, Run], events_only: bool = False) -> bool:
    """Compare the outputs of one card and mode, print its line; True if identical (with
    events_only: the events trees identical; metadata and run-card text only counted)."""
    times = "  ".join(f"{r.seconds:6.1f} s" for r in runs)
    failed = [f"{label} {r.error}" for label, r in zip("AB", runs) if r.error]
    text: list[str] = []
    if failed:
        n, branches, diffs = "-", "-", [f"run failed: {f}" for f in failed]
    else:
        n, branches, diffs, text = compare_files(runs[0].output, runs[1].output)
    if not events_only:
        diffs, text = diffs + text, []
    result = "identical" if not diffs else f"DIFFERENT: {diffs[0]}"
    if not diffs and text:
        result = f"identical events ({len(text)} metadata/run-card text differences)"
    print(f"{card:<40} {mode:<11} {n:>8} {branches:>5}  {times}  {result}", flush=True)
    for d in diffs[1:MAX_DETAILS]:
        print(f"{'':<42}{d}")
    if len(diffs) > MAX_DETAILS:
        print(f"{'':<42}... and {len(diffs) - MAX_DETAILS} more")
    return not diffs


def compare(repo: Path, rev_a: str, rev_b: str, cards: list[str] | None, n: int,
            keep: Path | None, workdir: Path, events_only: bool = False) -> int:
    """Export both revisions, run every card in both modes at both, compare; exit code."""
    t0 = time.perf_counter()
    trees = [make_tree(repo, "A", rev_a, workdir), make_tree(repo, "B", rev_b, workdir)]
    names, notes = select_cards(*trees, cards)
    envs = [environment(t, workdir) for t in trees]
    errors = [e for t, env in zip(trees, envs) if (e := check_import(t, env))]
    if errors:
        print("\n".join(errors))
        return 1
    for note in notes:
        print(note)
    out = keep if keep is not None else workdir / "out"
    dirs = [out / re.sub(r"[^\w.-]", "_", f"{t.label}-{t.rev}") for t in trees]
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
    print(f"{n} events per run; outputs in {out}{'' if keep else ' (removed at the end)'}")
    print(f"{'card':<40} {'mode':<11} {'events':>8} {'br.':>5}  {'time A':>8}  {'time B':>8}"
          "  result")
    ok = True
    for card in names:
        for mode, flags in MODES.items():
            file = Path(card).stem + ("_fs" if flags else "") + ".root"
            runs = tuple(run_card(t, env, card, n, flags, d / file)
                         for t, env, d in zip(trees, envs, dirs))
            ok &= report(card, mode, runs, events_only)
    total = f"{(time.perf_counter() - t0) / 60:.1f} min in all"
    print(f"all identical ({total})" if ok else f"DIFFERENCES FOUND ({total})")
    return 0 if ok else 1


def events(text: str) -> int:
    """A positive event count, also written as 1e5."""
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(n) or n < 1 or n != int(n):
        raise argparse.ArgumentTypeError(f"not a positive integer: {text!r}")
    return int(n)


class Parser(argparse.ArgumentParser):
    """Usage errors in one line (no usage text), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = Parser(prog="compare_revisions.py",
                description="Run every card at two revisions and check the outputs are equal.")
    ap.add_argument("rev_a", metavar="REV_A", help="git revision (or WORKTREE)")
    ap.add_argument("rev_b", metavar="REV_B", nargs="?", default=WORKTREE,
                    help="git revision (default: WORKTREE, the working tree as it is)")
    ap.add_argument("--events", type=events, default=100_000, help="events per run (1e5)")
    ap.add_argument("--cards", nargs="+", metavar="CARD", help="macros/x.toml (default: all)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the outputs to DIR")
    ap.add_argument("--events-only", action="store_true",
                    help="require identical events trees only; count metadata and run-card "
                         "text differences (e.g. reworded citations) without failing")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    repo = Path(__file__).resolve().parent
    try:
        repo = Path(git(repo, "rev-parse", "--show-toplevel"))
        with tempfile.TemporaryDirectory(prefix="compare_revisions-") as tmp:
            return compare(repo, args.rev_a, args.rev_b, args.cards, args.events,
                           args.keep, Path(tmp), args.events_only)
    except UsageError as exc:
        print(f"compare_revisions.py: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("compare_revisions.py: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
