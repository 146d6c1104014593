"""Generator: combines a Source, a Detector and Interactions; plans, samples, writes."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import awkward as ak
import numpy as np
from tqdm import tqdm

from ._version import __version__
from .constants import day, keV, mm
from .detectors import Detector
from .errors import ConfigError, EnvelopeError
from .geometry import Geometry, Site
from .interactions import Interaction
from .interactions.base import PROCESSES
from .output import writer_for
from .particle import Particle, bind_moment
from .sampling.columns import BRANCH_TYPES, COLUMNS, NCOL, OPTIONAL_GROUPS, ROW, ROW_DECAY
from .sampling.kernels import sample_events
from .sampling.plan import Plan, Propagation, build_plan
from .sources import Source
from .sources.base import TimeKind
from .streams import BLOCK_EVENTS, block_rng, blocks
from .validation import whole_number

#: (branch, internal unit it is divided by) of each kernel row, in row order.
KERNEL_BRANCHES = [(c.name, c.scale) for c in COLUMNS if c.row is not None]

#: Default events per chunk: small enough to stay in cache-friendly memory (a chunk is ~170 B
#: per event in flight), large enough that per-chunk overheads vanish (benchmarks/README.md).
CHUNK_EVENTS = 1 << 16


@dataclass
class RunSummary:
    """What a run did. expected_events: quadrature; expected_events_mc: the same quantity
    estimated from the sampler's acceptance (a cross-check, with its standard error)."""

    expected_events: float
    generated_events: int
    seconds: float
    output: str | None
    expected_events_mc: float
    expected_events_mc_error: float
    plan_seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.generated_events / self.seconds if self.seconds > 0 else math.inf

    def report(self) -> str:
        return "\n".join([
            f"expected events   : {self.expected_events:.6g} (quadrature); "
            f"{self.expected_events_mc:.6g} +- {self.expected_events_mc_error:.2g} (sampler)",
            f"generated events  : {self.generated_events}",
            f"time              : {self.seconds:.2f} s ({self.events_per_second:.3g} events/s), "
            f"plus {self.plan_seconds:.2f} s to plan (rates, tables)",
            f"output            : {self.output or '(none)'}",
        ])


class Generator:
    """Draws events of the given interactions of `source` particles in `detector`.

    >>> gen = Generator(source, detector, [interaction], seed=1)   # doctest: +SKIP
    >>> gen.expected_events                                          # doctest: +SKIP
    >>> events = gen.sample(100_000)        # dict of numpy arrays   # doctest: +SKIP
    >>> gen.run(1_000_000, "out.root")      # ROOT file              # doctest: +SKIP
    """

    def __init__(self, source: Source, detector: Detector,
                 interactions: Interaction | Sequence[Interaction], *, seed: int = 0,
                 geometry: Geometry | None = None, site: Site | None = None):
        if isinstance(interactions, Interaction):
            interactions = [interactions]
        if not interactions:
            raise ConfigError("interaction: at least one interaction is needed")
        whole_number("run.seed", seed, 0, what="an integer")
        if geometry is None:
            geometry = Geometry.of_source(source)
        if site is not None:  # a convenience: the site of the geometry
            geometry = dataclasses.replace(geometry, site=site)
        self.source, self.detector, self.geometry = source, detector, geometry
        self.interactions = list(interactions)
        self.seed = int(seed)
        self.channels = [ch for it in self.interactions for ch in it.channels(source, detector)]
        if not self.channels:
            raise ConfigError(
                f"detector {detector.name}: no targets for the interactions "
                f"{[it.name for it in self.interactions]}"
            )
        self._plan: Plan | None = None
        self._trials = 0
        self._accepted = 0

    @property
    def plan(self) -> Plan:
        """Rates and proposal tables, computed once."""
        if self._plan is None:
            self._plan = build_plan(self.source, self.detector, self.channels,
                                    [self._time_model(ch.component) for ch in self.channels],
                                    self.geometry, self._propagation())
        return self._plan

    @property
    def site(self) -> Site | None:
        """The overburden of the geometry (None: no rock)."""
        return self.geometry.site

    def particle(self, component) -> Particle:
        """The particle a source component emits, with the magnetic moment the interactions
        give it (one object for the source, the interactions and the propagation)."""
        moments = [(it.name, it.particle_moment_muB(component)) for it in self.interactions]
        return bind_moment(component.particle, [(n, mu) for n, mu in moments if mu is not None])

    def _propagation(self) -> Propagation | None:
        """Transport through the site's rock with the particle's magnetic moment (energy loss
        of [Bueno2013, Eq. 22] scales with it)."""
        if self.site is None:
            return None
        moments = {self.particle(c).mu_muB for c in self.source.components}
        mu = moments.pop() if len(moments) == 1 else 0.0
        if not mu > 0:
            raise ConfigError("site: energy loss in rock ([Bueno2013, Eq. 22]) needs the "
                              "particle's magnetic moment (mu_muB of a dipole_nucleus_elastic "
                              "interaction), one value for the whole source")
        return Propagation(self.site.params(), mu, self.geometry.direction)

    def _time_model(self, component) -> tuple[int, np.ndarray]:
        """The component's own time structure; for a far source without one, uniform over the
        detector's live time when it is known (else NaN times)."""
        if component.time.kind != TimeKind.NONE or self.geometry.is_near:
            return component.time.kind, component.time.array()
        if self.detector.live_days is not None:
            return TimeKind.UNIFORM, np.array([0.0, self.detector.live_days * day])
        return TimeKind.NONE, np.zeros(1)

    @property
    def expected_events(self) -> float:
        """Expected number of events in the detector's exposure (sum over channels)."""
        return self.plan.expected

    def expected_by_channel(self) -> dict[str, float]:
        return {ch.label: float(r) for ch, r in zip(self.channels, self.plan.rates)}

    # -- sampling -------------------------------------------------------------------------
    def _fill_block(self, b: int, out: np.ndarray, chan: np.ndarray) -> None:
        """Draw block b into out (NCOL x n view) and chan (n)."""
        args = self.plan.kernel_args(self.detector.vertex_resolution_mm * mm)
        trials, bad = sample_events(block_rng(self.seed, b), chan.size, *args, out, chan)
        if bad:
            raise EnvelopeError(
                f"{bad} proposals exceeded the envelope in block {b}: the sampler's bound "
                "is wrong for this configuration; please report it")
        self._trials += trials
        self._accepted += chan.size

    def _final_state(self, ev: dict, chan: np.ndarray) -> ak.Array:
        """Jagged list of the outgoing particles of each event: the projectile-side particle
        (or, if it decays, its daughter and the photon, starting at the decay point: vertex 1),
        then the recoil (vertex 0): pdg, total energy and momentum [MeV]."""
        M = self.plan.chans.p[:, 2][chan]
        n = chan.size
        recoil = (ev["target_pdg"], M + ev["T_recoil_keV"] * keV, ev["px_recoil_MeV"],
                  ev["py_recoil_MeV"], ev["pz_recoil_MeV"])
        out = (ev["pdg_out"], ev["E_out_MeV"], ev["px_out_MeV"], ev["py_out_MeV"],
               ev["pz_out_MeV"])
        zero = np.zeros(n, np.int32)
        decays = ev["pdg_decay"] != 0 if "pdg_decay" in ev else np.zeros(n, bool)
        if not decays.any():
            parts = [out + (zero,), recoil + (zero,)]
            present = [np.ones(n, bool)] * 2
        else:
            g = (np.full(n, 22), ev["E_gamma_MeV"], ev["px_gamma_MeV"], ev["py_gamma_MeV"],
                 ev["pz_gamma_MeV"])
            daughter = (ev["pdg_decay"], *(a - b for a, b in zip(out[1:], g[1:])))
            first = tuple(np.where(decays, d, o) for d, o in zip(daughter, out))
            one = decays.astype(np.int32)
            # each event: [N or its daughter, photon (if N decays), recoil]
            parts = [first + (one,), g + (one,), recoil + (zero,)]
            present = [np.ones(n, bool), decays, np.ones(n, bool)]
        keep = np.stack(present, 1).ravel()
        counts = np.sum(present, axis=0)
        names = ("pdg", "E_MeV", "px_MeV", "py_MeV", "pz_MeV", "vertex")
        dtypes = (np.int32, np.float64, np.float64, np.float64, np.float64, np.int32)
        fields = [np.stack([np.asarray(p[f], dt) for p in parts], 1).ravel()[keep]
                  for f, dt in enumerate(dtypes)]
        record = ak.contents.RecordArray([ak.contents.NumpyArray(v) for v in fields],
                                         list(names))
        offsets = ak.index.Index64(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
        return ak.Array(ak.contents.ListOffsetArray(offsets, record))

    @property
    def _decays(self) -> bool:
        """Whether some channel's outgoing particle decays (decay branches are written)."""
        return bool(np.any(self.plan.chans.dec[:, 0] > 0))

    def branch_names(self) -> list[str]:
        """The branches of this run's events (optional groups only when meaningful)."""
        active = {
            "emission": self.geometry.has_baseline,
            "time": bool(np.any(self.plan.chans.time_kind != TimeKind.NONE)),
            "reco": self.detector.vertex_resolution_mm > 0,
            "rock": self.site is not None,
            "visible": self.detector.quenching is not None,
            "decay": self._decays,
        }
        dropped = {n for group, on in active.items() if not on for n in OPTIONAL_GROUPS[group]}
        return [c.name for c in COLUMNS if c.name not in dropped]

    def _visible(self, T: np.ndarray, chan: np.ndarray) -> np.ndarray:
        """Electron-equivalent energies [keV] (detector response), per channel."""
        if self.detector.quenching is None:
            return T / keV
        vis = np.empty(T.size)
        for i, ch in enumerate(self.channels):  # a loop over channels, not events
            sel = chan == i
            if sel.any():
                vis[sel] = self.detector.visible_keVee(T[sel], ch.target)
        return vis

    def _branches(self, out, chan, first: int, weight: float,
                  final_state: bool = False) -> dict[str, np.ndarray]:
        chans = self.channels
        lut = {
            "process": np.array([c.process for c in chans], np.int32),
            "component": np.array([self.source.components.index(c.component) for c in chans],
                                  np.int32),
            "pdg_in": np.array([c.pdg_in for c in chans], np.int32),
            "pdg_out": np.array([c.pdg_out for c in chans], np.int32),
            "target_pdg": np.array([c.target.pdg for c in chans], np.int32),
        }
        n = chan.size
        ev = {"event": np.arange(first, first + n, dtype=np.int64)}
        ev.update({k: v[chan] for k, v in lut.items()})
        ev["weight"] = np.full(n, weight)
        for row, (name, scale) in enumerate(KERNEL_BRANCHES):
            ev[name] = out[row] if scale == 1.0 else out[row] / scale
        if self._decays:
            for name in ("decay_inside", "pdg_decay"):  # NaN (no decay) -> 0
                ev[name] = np.nan_to_num(ev[name]).astype(BRANCH_TYPES[name])
        else:  # the decay rows were not filled
            for name, _ in KERNEL_BRANCHES[ROW_DECAY:]:
                del ev[name]
        ev["E_vis_keVee"] = self._visible(out[ROW["T"]], chan)
        if final_state:
            ev["fs"] = self._final_state(ev, chan)
        return ev

    def iter_chunks(self, n_events: int, chunk_events: int = CHUNK_EVENTS,
                    final_state: bool = False) -> Iterator[dict[str, np.ndarray]]:
        """Yield the n_events in chunks (dicts of branch arrays) of about chunk_events.
        Chunks are whole blocks of BLOCK_EVENTS; the events do not depend on chunk_events.
        final_state: add "fs", the jagged list of outgoing particles (awkward array)."""
        n_events = whole_number("run.events", n_events, 0)
        chunk_events = whole_number("run.chunk_events", chunk_events, 1)
        if self.expected_events <= 0:
            raise ConfigError(
                "no events possible: every channel is closed for this source and detector "
                f"(window starts at {self.detector.T_min / keV:g} keV)")
        weight = self.expected_events / n_events if n_events else 0.0
        per_chunk = -(-chunk_events // BLOCK_EVENTS)  # whole blocks, rounded up
        todo = blocks(n_events)
        first = 0
        for start in range(0, len(todo), per_chunk):
            part = todo[start:start + per_chunk]
            n = sum(nb for _, nb in part)
            out = np.empty((NCOL, n))
            chan = np.empty(n, dtype=np.int64)
            k = 0
            for b, nb in part:
                self._fill_block(b, out[:, k:k + nb], chan[k:k + nb])
                k += nb
            yield self._branches(out, chan, first, weight, final_state)
            del out, chan  # let the chunk go before the next is allocated
            first += n

    def sample(self, n_events: int) -> dict[str, np.ndarray]:
        """All n_events in memory, as a dict of branch arrays (same events as `run`)."""
        chunks = list(self.iter_chunks(n_events, max(int(n_events), 1)))
        if len(chunks) == 1:
            return chunks[0]
        if not chunks:
            return self._branches(np.empty((NCOL, 0)), np.empty(0, np.int64), 0, 0.0)
        return {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}

    def metadata(self, n_events: int) -> dict:
        return {
            "mcgen_version": __version__,
            "seed": self.seed,
            "block_events": BLOCK_EVENTS,
            "generated_events": int(n_events),
            "expected_events": self.expected_events,
            "expected_events_by_channel": self.expected_by_channel(),
            "exposure_kg_day": self.detector.exposure_kg_day,
            "process_codes": process_codes(),
            "components": [c.label for c in self.source.components],
            "source": self.source.describe(),
            "detector": {"name": self.detector.name, "material": self.detector.material.formula,
                         "T_min_keV": self.detector.T_min / keV,
                         "T_max_keV": self.detector.T_max / keV,
                         "window_unit": "keVee" if self.detector.ee_units else "keV",
                         "quenching": self.detector.quenching,
                         "lindhard_k": self.detector.lindhard_k,
                         "reference": self.detector.reference},
            "interactions": [it.describe() for it in self.interactions],
            "site": self.site.describe() if self.site is not None else None,
        }

    def run(self, n_events: int, output: str | Path | None, *, chunk_events: int = CHUNK_EVENTS,
            compression: str = "lz4", run_card: str | None = None, progress: bool = True,
            threads: int = 2, final_state: bool = False) -> RunSummary:
        """Generate n_events and stream them to a ROOT file (or nowhere if output is None).

        threads=2 draws the next chunk in a background thread while this one is written
        (the kernel releases the GIL); threads=1 does everything in turn. The events are
        the same either way. final_state=True also writes the jagged branches nfs, fs_pdg,
        fs_E_MeV, fs_px_MeV, fs_py_MeV, fs_pz_MeV (one entry per outgoing particle).
        """
        if threads not in (1, 2):
            raise ConfigError(f"run.threads = {threads!r}: allowed are 1 and 2")
        t_plan = time.perf_counter()
        _ = self.plan
        t0 = time.perf_counter()
        self._trials = self._accepted = 0
        bar = tqdm(total=int(n_events), unit="ev", unit_scale=True,
                   disable=None if progress else True, desc="mcgen")
        if output is not None and writer_for(output).needs_final_state:
            final_state = True
        chunks = self.iter_chunks(n_events, chunk_events, final_state and output is not None)
        if threads == 2:
            chunks = _prefetch(chunks)
        if output is None:
            for ev in chunks:
                bar.update(ev["event"].size)
                del ev
        else:
            writer = writer_for(output)
            with writer(output, compression=compression, final_state=final_state,
                        branches=self.branch_names()) as w:
                w.metadata(self.metadata(n_events), run_card)  # before the events (HepMC3)
                for ev in chunks:
                    w.extend(ev)
                    bar.update(ev["event"].size)
                    del ev  # flat memory: at most the chunk being written and the next
        bar.close()
        mc, err = self.acceptance_estimate()
        return RunSummary(self.expected_events, int(n_events), time.perf_counter() - t0,
                          None if output is None else str(output), mc, err, t0 - t_plan)

    def acceptance_estimate(self) -> tuple[float, float]:
        """Expected count estimated from the sampler (envelope integral x acceptance) and its
        standard error, from the trials made so far."""
        if self._trials == 0:
            return math.nan, math.nan
        p = self._accepted / self._trials
        total = self.plan.envelope_total
        return total * p, total * math.sqrt(p * (1 - p) / self._trials)


def _prefetch(it: Iterator) -> Iterator:
    """Yield from `it`, computing the next item in a background thread meanwhile."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        nxt = pool.submit(next, it, None)
        while True:
            item = nxt.result()
            if item is None:
                return
            nxt = pool.submit(next, it, None)
            yield item
            del item


def process_codes() -> dict[str, str]:
    """Output process code -> process name, for every registered process (run metadata)."""
    return {str(c.code): name for name, c in sorted(PROCESSES.items(), key=lambda i: i[1].code)}
