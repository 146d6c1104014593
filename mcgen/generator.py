"""Generator: combines a Source, a Detector and Interactions; plans, samples, writes."""

from __future__ import annotations

import dataclasses
import functools
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
from .sampling.columns import (
    BRANCH_TYPES,
    COLUMNS,
    NCOL,
    OPTIONAL_GROUPS,
    ROW,
    ROW_DECAY,
    vertex_times,
)
from .sampling.kernels import sample_events
from .sampling.plan import Plan, Propagation, build_plan
from .sources import Source
from .sources.base import TimeKind
from .streams import BLOCK_EVENTS, CHUNK_EVENTS, block_rng
from .validation import instance_of, instances_of, whole_number

#: (branch, internal unit it is divided by) of each kernel row, in row order.
KERNEL_BRANCHES = [(c.name, c.scale) for c in COLUMNS if c.row is not None]

@dataclass
class RunSummary:
    """What a run did. expected_events: quadrature; expected_events_mc: the same quantity
    estimated from the sampler's acceptance (a cross-check, with its standard error).
    seconds (generation and output) and plan_seconds (rates and tables) leave out the time
    numba spent meanwhile, jit_seconds: compiling the kernels (the first run of an mcgen
    version, `compiled` True) or loading them from its on-disk cache."""

    expected_events: float
    generated_events: int
    seconds: float
    output: str | None
    expected_events_mc: float
    expected_events_mc_error: float
    plan_seconds: float = 0.0
    jit_seconds: float = 0.0
    compiled: bool = False

    @property
    def events_per_second(self) -> float:
        return self.generated_events / self.seconds if self.seconds > 0 else math.inf

    def report(self) -> str:
        jit = ("compiling the kernels (first run of this mcgen version; cached for the next runs)"
               if self.compiled else "loading the compiled kernels from numba's cache"
               if self.jit_seconds >= 0.005 else "(kernels loaded already)")
        mc = (f"{self.expected_events_mc:.6g} +- {self.expected_events_mc_error:.2g} (sampler)"
              if math.isfinite(self.expected_events_mc) else "no sampler estimate (no proposals)")
        return "\n".join([
            f"expected events   : {self.expected_events:.6g} (quadrature); {mc}",
            f"generated events  : {self.generated_events}",
            f"time              : {self.seconds:.2f} s ({self.events_per_second:.3g} events/s), "
            f"plus {self.plan_seconds:.2f} s to plan (rates, tables)",
            f"numba             : {self.jit_seconds:.2f} s {jit}",
            f"output            : {self.output or '(none)'}",
        ])


class JitClock:
    """Time numba spends compiling or loading compiled code from its cache (holding its
    compiler lock), and the number of real compilations, in this process since it was made:
    listeners on numba's events "numba:compiler_lock" and "numba:compile"."""

    def __init__(self):
        from numba.core import event

        class Count(event.Listener):
            n = 0

            def on_start(self, ev):
                self.n += 1

            def on_end(self, ev):
                pass

        self._held, self._compiles = event.TimingListener(), Count()
        event.register("numba:compiler_lock", self._held)
        event.register("numba:compile", self._compiles)

    @property
    def seconds(self) -> float:
        return self._held.duration if self._held.done else 0.0

    @property
    def compilations(self) -> int:
        return self._compiles.n


#: The process's clock (RunClock reads it before and after each phase of a run).
JIT = JitClock()


class RunClock:
    """Wall time of a run's plan and generation, each without what numba spent meanwhile
    (JIT): made when the run starts; `planned()` when the plan is done; `summary(...)` at the
    end."""

    def __init__(self):
        self._jit0, self._n0, self._t_plan = JIT.seconds, JIT.compilations, time.perf_counter()
        self._t0, self._jit1 = self._t_plan, self._jit0

    def planned(self) -> None:
        """The plan is made: generation starts."""
        self._t0, self._jit1 = time.perf_counter(), JIT.seconds

    def summary(self, expected: float, n_events: int, output: str | None, mc: float,
                mc_error: float) -> RunSummary:
        """The RunSummary of the run, timed up to now."""
        seconds, jit2 = time.perf_counter() - self._t0, JIT.seconds
        return RunSummary(expected, n_events, seconds - (jit2 - self._jit1), output, mc,
                          mc_error, self._t0 - self._t_plan - (self._jit1 - self._jit0),
                          jit2 - self._jit0, JIT.compilations > self._n0)


def jit_cache_is_cold() -> bool:
    """Whether numba's on-disk cache lacks the event kernel or the rate quadrature (the two
    largest compilations): the next run compiles the kernels (~10-60 s) instead of loading
    them."""
    from .physics.quadrature import _sigma_visible_into

    for kernel in (sample_events, _sigma_visible_into):
        stats = getattr(kernel, "stats", None)  # (absent with NUMBA_DISABLE_JIT)
        if stats is not None and stats.cache_path and not any(
                Path(stats.cache_path).glob(f"*.{kernel.__name__}-*.nbi")):
            return True
    return False


#: What `mcgen run` says before a run that compiles.
COMPILE_NOTICE = ("mcgen: compiling the numba kernels (first run of this mcgen version, ~20-60 s; "
                  "they are cached: later runs start at once)")


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
        # API misuse gives a ConfigError naming the argument, not an AttributeError later
        instance_of("source", source, Source)
        instance_of("detector", detector, Detector)
        interactions = instances_of("interactions", interactions, Interaction)
        whole_number("run.seed", seed, 0, what="an integer")
        if geometry is None:
            geometry = Geometry.of_source(source)
        instance_of("geometry", geometry, Geometry)
        if site is not None:  # a convenience: the site of the geometry
            instance_of("site", site, Site)
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
        then the recoil (vertex 0): the fields of columns.FINAL_STATE_FIELDS (pdg, total and
        kinetic energy, mass, momentum [MeV], vertex). Masses are the ones the kinematics used
        (channel parameters, the decay mode's daughter mass), not sqrt(E^2 - p^2), which loses
        the digits of light particles; the recoil's kinetic energy is T itself."""
        from .physics.decay import DEC_MODES, DEC_NMODES, DEC_PER_MODE
        from .physics.layout import P_M_OUT, P_M_TARGET
        from .sampling.columns import FINAL_STATE_FIELDS

        par = self.plan.chans.p[chan]
        M, m_out = par[:, P_M_TARGET], par[:, P_M_OUT]
        T = ev["T_recoil_keV"] * keV
        n = chan.size
        zero = np.zeros(n, np.int32)
        recoil = (ev["target_pdg"], M + T, T, M, ev["px_recoil_MeV"], ev["py_recoil_MeV"],
                  ev["pz_recoil_MeV"], zero)
        out = (ev["pdg_out"], ev["E_out_MeV"], ev["E_out_MeV"] - m_out, m_out, ev["px_out_MeV"],
               ev["py_out_MeV"], ev["pz_out_MeV"], zero)
        decays = ev["pdg_decay"] != 0 if "pdg_decay" in ev else np.zeros(n, bool)
        if not decays.any():
            parts = [out, recoil]
            present = [np.ones(n, bool)] * 2
        else:
            one = decays.astype(np.int32)
            E_g = ev["E_gamma_MeV"]
            p_g = (ev["px_gamma_MeV"], ev["py_gamma_MeV"], ev["pz_gamma_MeV"])
            g = (np.full(n, 22), E_g, E_g, np.zeros(n), *p_g, one)
            dec = self.plan.chans.dec[chan]
            m_d = np.zeros(n)
            for j in range(int(dec[:, DEC_NMODES].max())):  # a loop over decay modes
                at = DEC_MODES + DEC_PER_MODE * j
                mode = (j < dec[:, DEC_NMODES]) & (np.abs(ev["pdg_decay"]) == dec[:, at + 2])
                m_d = np.where(mode, dec[:, at], m_d)
            E_d = ev["E_out_MeV"] - E_g
            daughter = (ev["pdg_decay"], E_d, E_d - m_d, m_d,
                        *(a - b for a, b in zip(out[4:7], p_g)), one)
            first = tuple(np.where(decays, d, o) for d, o in zip(daughter, out))
            # each event: [N or its daughter, photon (if N decays), recoil]
            parts = [first, g, recoil]
            present = [np.ones(n, bool), decays, np.ones(n, bool)]
        keep = np.stack(present, 1).ravel()
        counts = np.sum(present, axis=0)
        fields = [np.stack([np.asarray(p[f], dt) for p in parts], 1).ravel()[keep]
                  for f, (_, dt) in enumerate(FINAL_STATE_FIELDS)]
        record = ak.contents.RecordArray([ak.contents.NumpyArray(v) for v in fields],
                                         [name for name, _ in FINAL_STATE_FIELDS])
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
            "response": self.detector.observed.active,
            "decay": self._decays,
        }
        dropped = {n for group, on in active.items() if not on for n in OPTIONAL_GROUPS[group]}
        return [c.name for c in COLUMNS if c.name not in dropped]

    def _visible(self, T: np.ndarray, chan: np.ndarray) -> np.ndarray:
        """Electron-equivalent energies [keV] (detector response), per target."""
        if self.detector.quenching is None:
            return T / keV
        targets, of_channel = self._targets
        target = of_channel[chan]
        vis = np.empty(T.size)
        for k, t in enumerate(targets):  # a loop over targets (not channels, not events)
            sel = target == k
            if sel.any():
                vis[sel] = self.detector.visible_keVee(T[sel], t)
        return vis

    @functools.cached_property
    def _targets(self) -> tuple[list, np.ndarray]:
        """The distinct targets of the channels, and the index of each channel's target."""
        targets = list({id(ch.target): ch.target for ch in self.channels}.values())
        index = {id(t): k for k, t in enumerate(targets)}
        return targets, np.array([index[id(ch.target)] for ch in self.channels], np.int64)

    @functools.cached_property
    def _channel_branches(self) -> dict[str, np.ndarray]:
        """The branches that depend on the channel only: channel index -> value."""
        chans = self.channels
        return {
            "process": np.array([c.process for c in chans], np.int32),
            "component": np.array([self.source.components.index(c.component) for c in chans],
                                  np.int32),
            "pdg_in": np.array([c.pdg_in for c in chans], np.int32),
            "pdg_out": np.array([c.pdg_out for c in chans], np.int32),
            "target_pdg": np.array([c.target.pdg for c in chans], np.int32),
        }

    def _observed(self, E_vis_keV: np.ndarray, first: int) -> dict[str, np.ndarray]:
        """Branches E_obs_keV and accepted (detector [response]; none without one), from the
        response stream of each block (independent of chunking and threads)."""
        if not self.detector.observed.active:
            return {}
        return self.detector.observed.draw(E_vis_keV, self.seed, first)

    def _branches(self, out, chan, first: int, weight: float,
                  final_state: bool = False) -> dict[str, np.ndarray]:
        n = chan.size
        ev = {"event": np.arange(first, first + n, dtype=np.int64)}
        ev.update({k: v[chan] for k, v in self._channel_branches.items()})
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
        ev.update(self._observed(ev["E_vis_keVee"], first))
        ev.update(vertex_times(ev, self.plan.chans.p[chan, 0]))  # p[:, 0]: m_in (P_M_IN)
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
        per_chunk = -(-chunk_events // BLOCK_EVENTS)  # whole blocks, rounded up
        n_blocks = -(-n_events // BLOCK_EVENTS)
        for start in range(0, n_blocks, per_chunk):
            yield self._draw_blocks(range(start, min(start + per_chunk, n_blocks)), n_events,
                                    final_state)

    def generate_blocks(self, block_ids: Sequence[int], n_events: int,
                        final_state: bool = False) -> dict[str, np.ndarray]:
        """The events of the consecutive random-stream blocks block_ids (0, 1, ...: BLOCK_EVENTS
        each, mcgen.streams) of an n_events run, as one chunk like those of iter_chunks: the
        same events, event numbers and weights whichever process or machine draws them, so a
        run can be split over processes and restarts (mcgen.production)."""
        n_events = whole_number("run.events", n_events, 0)
        ids = [int(b) for b in block_ids]
        n_blocks = -(-n_events // BLOCK_EVENTS)
        if not ids or ids != list(range(ids[0], ids[0] + len(ids))) or not (
                0 <= ids[0] and ids[-1] < n_blocks):
            raise ValueError(f"blocks {ids[:3]}...: need consecutive blocks of 0 to "
                             f"{n_blocks - 1} (a run of {n_events} events)")
        return self._draw_blocks(ids, n_events, final_state)

    def _draw_blocks(self, ids: Sequence[int], n_events: int,
                     final_state: bool) -> dict[str, np.ndarray]:
        """Branch arrays of the consecutive blocks ids of an n_events run (n_events > 0), in
        the experiment's coordinates ([detector] frame)."""
        sizes = [min(BLOCK_EVENTS, n_events - b * BLOCK_EVENTS) for b in ids]
        n = sum(sizes)
        # one column more than needed, so that each block's view out[:, k:k + nb] is never
        # C-contiguous: numba then compiles the kernel once (layout "A") whether a chunk holds
        # one block or several (a second specialisation costs ~10 s on a cold cache)
        out = np.empty((NCOL, n + 1))[:, :n]
        chan = np.empty(n, dtype=np.int64)
        k = 0
        for b, nb in zip(ids, sizes):
            self._fill_block(b, out[:, k:k + nb], chan[k:k + nb])
            k += nb
        ev = self._branches(out, chan, ids[0] * BLOCK_EVENTS, self.expected_events / n_events,
                            final_state)
        self.detector.frame.apply(ev)
        return ev

    def sample(self, n_events: int) -> dict[str, np.ndarray]:
        """All n_events in memory, as a dict of branch arrays (same events as `run`)."""
        n_events = whole_number("run.events", n_events, 0)
        chunks = list(self.iter_chunks(n_events, max(n_events, 1)))
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
            # for mcgen.analysis.reweight: which components oscillate, which targets count
            "component_oscillates": [c.oscillates for c in self.source.components],
            "source": self.source.describe(),
            "detector": {"name": self.detector.name, "material": self.detector.material.formula,
                         "T_min_keV": self.detector.T_min / keV,
                         "T_max_keV": self.detector.T_max / keV,
                         "window_unit": "keVee" if self.detector.ee_units else "keV",
                         "quenching": self.detector.quenching,
                         "lindhard_k": self.detector.lindhard_k,
                         "elements": list(self.detector.elements),
                         "response": self.detector.observed.describe(),
                         "backgrounds": [b.describe() for b in self.detector.backgrounds],
                         "frame": {"origin_mm": list(self.detector.frame.origin_mm),
                                   "rotation_deg": list(self.detector.frame.rotation_deg)},
                         "reference": self.detector.reference},
            "interactions": [it.describe() for it in self.interactions],
            "site": self.site.describe() if self.site is not None else None,
        }

    def run(self, n_events: int, output: str | Path | None, *, chunk_events: int = CHUNK_EVENTS,
            compression: str = "lz4", run_card: str | None = None, progress: bool = True,
            threads: int = 2, final_state: bool = False, format: str | None = None) -> RunSummary:
        """Generate n_events and stream them to a ROOT file (or nowhere if output is None).

        threads=2 draws the next chunk in a background thread while this one is written
        (the kernel releases the GIL); threads=1 does everything in turn. The events are
        the same either way. final_state=True also writes the jagged branches nfs, fs_pdg,
        fs_E_MeV, fs_px_MeV, fs_py_MeV, fs_pz_MeV (one entry per outgoing particle).
        format: an output writer's name (mcgen.output.WRITERS); default: by the extension.
        Resumable runs, worker processes, dask clusters, part files: mcgen.production.produce
        (what `mcgen run` uses), the same events.
        """
        n_events = whole_number("run.events", n_events, 0)
        whole_number("run.chunk_events", chunk_events, 1)
        if threads not in (1, 2) or isinstance(threads, bool):
            raise ConfigError(f"run.threads = {threads!r}: allowed are 1 and 2")
        clock = RunClock()  # numba's compiling or loading is reported apart
        _ = self.plan
        clock.planned()
        self._trials = self._accepted = 0
        bar = tqdm(total=int(n_events), unit="ev", unit_scale=True,
                   disable=None if progress else True, desc="mcgen")
        if output is not None and writer_for(output, format).needs_final_state:
            final_state = True
        chunks = self.iter_chunks(n_events, chunk_events, final_state and output is not None)
        if threads == 2:
            chunks = _prefetch(chunks)
        if output is None:
            for ev in chunks:
                bar.update(ev["event"].size)
                del ev
        else:
            writer = writer_for(output, format)
            with writer(output, compression=compression, final_state=final_state,
                        branches=self.branch_names()) as w:
                w.metadata(self.metadata(n_events), run_card)  # before the events (HepMC3)
                for ev in chunks:
                    w.extend(ev)
                    bar.update(ev["event"].size)
                    del ev  # flat memory: at most the chunk being written and the next
        bar.close()
        mc, err = self.acceptance_estimate()
        return clock.summary(self.expected_events, int(n_events),
                             None if output is None else str(output), mc, err)

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
