"""NuHepMC output: HepMC3 ASCII event records (optionally compressed) through pyhepmc.

``mcgen run CARD -o out.hepmc3`` (or ``.hepmc3.gz``, ``.hepmc3.bz2``, ``.hepmc3.xz``,
``.hepmc3.zst``; or ``--format hepmc3``) writes the events as a NuHepMC vector, version 1.0.0 of
the specification (S. Gardiner, J. Isaacson, L. Pickering, arXiv:2310.13211;
github.com/NuHepMC/Spec, README.md "NuHepMC Specification Version 1.0.0"), ready for Geant4
(HepMC3 readers) and for NuHepMC tools.

Requirements followed:
- G.R.1 a GenRunInfo, written once before the events; G.R.2 NuHepMC.Version.{Major,Minor,Patch}
  = 1, 0, 0; G.R.3 a ToolInfo "mcgen" with its version; G.R.4 NuHepMC.Conventions lists the
  conventions below.
- G.R.5 / G.C.2 the flux-averaged total cross section is known before the first event (the
  quadrature of the plan), so it sits in the run info. mcgen's weights are expected events,
  not cross sections: NuHepMC.FluxAveragedTotalCrossSection is the expected number of events of
  the configured exposure, and G.R.6 says so with the (non-reserved) units
  NuHepMC.Units.CrossSection.Unit = "events", TargetScale = "PerExposure". The usual NuHepMC
  normalisation, FATX x (sum of CV weights in a bin) / (sum of all CV weights), then gives the
  expected events in the bin. A cross section per atom is not written: for a near source the
  flux differs across the fiducial volume (1/(4 pi L^2), oscillations) and has no single value
  (NuHepMC tools that accept only "pb" refuse the file rather than misread it).
- G.R.7 one weight, "CV" = the event's `weight`: the expected number of real events it stands
  for (equal for all events; they sum to the expected count).
- G.R.8 NuHepMC.ProcessIDs = mcgen's process codes (the `process` branch, metadata
  process_codes), each with its name and a description: the first paragraph of the process
  class's docstring, which cites the equations it implements, plus the full references (G.C.3
  also as arXiv ids and DOIs). The ids do not follow the ranges of E.C.1 (they are mcgen's own
  codes, the same as in the ROOT output).
- G.R.9 vertex statuses 1 (primary) and DECAY_VERTEX = 22 (decay of N in flight); G.R.10
  particle statuses 1, 2, 4, 20 (all standard, listed with names: G.S.2); G.R.11
  NuHepMC.AdditionalParticleNumbers: the heavy neutral lepton N (9900014, Pythia 8's number) and
  N' (9900016), and their antiparticles, with names (and descriptions, G.C.5).
- E.R.1 a valid HepMC3 graph; E.R.2 event number = the `event` branch; E.R.3
  "signal_process_id" = the `process` branch; E.R.4 units MeV and mm; E.R.5 "lab_pos" = the
  interaction vertex [mm] in the detector frame (or the experiment's frame, [detector] frame),
  and E.C.5 its 4th entry the absolute time of the interaction in seconds (t_vtx_ns) where the
  run has a time structure (else 3 entries); E.R.6 exactly one vertex with status 1; E.R.7 one
  beam particle (status 4: the incoming particle, its mass from the source component) and one
  target (status 20: the nucleus 100ZZZAAA0, or the electron 11, at rest, with the mass the
  kinematics used); E.R.8 all outgoing particles (status 1; a decaying N has status 2 and is
  the incoming particle of the decay vertex, at the decay point, whose daughter and photon have
  status 1); E.R.9 lab frame. V.R.1 and P.R.1: the status codes above.
- Vertex positions are (x, y, z, c t) [mm] with t counted from the interaction: 0 at the
  primary vertex, decay_dt_ns at the decay of N. The absolute time is lab_pos[3] (t_vtx_ns):
  absolute times (up to ~1e16 ns for a 100-day run) keep only ~1 ns in float64, too coarse for
  the times a detector simulation adds within an event.
- G.S.1 provenance: NuHepMC.Provenance.RunCard (the TOML as run), .Seed, .RNGState (how the
  random streams derive from the seed), .NEvents (generated events) and .Metadata (the JSON
  metadata of the ROOT output: source, detector, interaction parameters, expected counts).

Not followed: G.C.1 (POT or live time do not describe mcgen's exposures), G.C.4 (beam energy
distribution: the spectra are functions, see the metadata), E.C.1 to E.C.4 (no per-event cross
sections).

Particles of an event, in order: the incoming particle, the target, the N if it decays, then
the final state in the order of the ROOT output's fs_* branches (same numbers, same masses).
Numbers: momenta, energies and vertices are written with 17 significant digits (HepMC3's
default); lab_pos as text with up to 17 (pyhepmc's VectorDoubleAttribute keeps only 6
decimals), read back as a VectorDoubleAttribute. Speed: the particle table of a chunk is built
with numpy, then each event is one `GenEvent.from_hepevt` call (HepMC3 records are C++ objects
made one by one; ~25 us per event, benchmarks/bench_writers.py). The file is written under a
temporary name and renamed when complete, as the ROOT output is.
"""

from __future__ import annotations

import gzip
import inspect
import json
import math
import os
import re
import sys

import awkward as ak
import numpy as np
import pyhepmc
from pyhepmc.io import WriterAscii, pyiostream

from .._version import __version__
from ..constants import C_LIGHT, PDG_STERILE, PDG_STERILE_PARTNER
from ..interactions import PROCESSES
from ..output import Writer
from ..sampling.columns import BRANCH_TYPES
from ..streams import BLOCK_EVENTS
from .root import strict_json

NUHEPMC_VERSION = (1, 0, 0)
#: Vertex status codes (V.R.1: 1 primary; 21-999 generator-dependent).
PRIMARY_VERTEX, DECAY_VERTEX = 1, 22
#: Particle status codes (P.R.1).
FINAL, DECAYED, BEAM, TARGET = 1, 2, 4, 20

VERTEX_STATUSES = {
    PRIMARY_VERTEX: ("PrimaryVertex", "the interaction: incoming particle and target in, the "
                     "outgoing particle (or N) and the recoil out"),
    DECAY_VERTEX: ("DecayInFlight", "the decay of N in flight (N -> nu gamma or N -> N' gamma, "
                   "[Bolton2021]; [Bueno2013, Eqs. 17-18]) at the decay point and time"),
}
PARTICLE_STATUSES = {
    FINAL: ("UndecayedPhysical", "an outgoing particle, for the detector simulation"),
    DECAYED: ("DecayedPhysical", "an N that decays in flight (incoming to the decay vertex)"),
    BEAM: ("IncomingBeam", "the incoming particle from the source"),
    TARGET: ("Target", "the target at rest: a nucleus (100ZZZAAA0) or an electron (11)"),
}
#: Particle numbers outside the PDG scheme (G.R.11): Pythia 8's heavy neutral leptons.
ADDITIONAL_PARTICLES = {
    PDG_STERILE: ("N", "heavy neutral lepton with a magnetic (transition) moment: the sterile "
                  "neutrino of the dipole portal or the neutral magnetic dipole of [Bueno2013]; "
                  "spin 1/2, charge 0, mass of the run (Provenance.Metadata); Pythia 8's "
                  "nu_R mu number"),
    -PDG_STERILE: ("Nbar", "antiparticle of N (from an incoming antineutrino)"),
    PDG_STERILE_PARTNER: ("N'", "lighter sterile state of N -> N' gamma ([Bueno2013, Eq. 17]); "
                          "spin 1/2, charge 0; Pythia 8's nu_R tau number"),
    -PDG_STERILE_PARTNER: ("N'bar", "antiparticle of N'"),
}
#: The papers mcgen's processes cite (docs/references.md): key -> (reference, arXiv, DOI).
REFERENCES = {
    "Bueno2013": ("A. Bueno, M. Masip, P. Sanchez-Lucas, N. Setzer, Contamination of Dark "
                  "Matter Experiments from Atmospheric Magnetic Dipoles, arXiv:1308.0011",
                  "1308.0011", None),
    "Coloma2014": ("P. Coloma, P. Huber, J. M. Link, Combining dark matter detectors and "
                   "electron-capture sources to hunt for new physics in the neutrino sector, "
                   "JHEP 11 (2014), arXiv:1406.4914", "1406.4914", None),
    "Mustamin2024": ("M. F. Mustamin, M. Demirci, Probing the Sterile Neutrino Dipole Portal "
                     "with Coherent Elastic Solar Neutrino-Nucleus Scattering, arXiv:2412.03140",
                     "2412.03140", None),
    "Wong2010": ("H. T. Wong, H.-B. Li, S.-T. Lin, Phys. Rev. Lett. 105 (2010) 061801, "
                 "arXiv:1001.2074", "1001.2074", "10.1103/PhysRevLett.105.061801"),
    "Bolton2021": ("P. D. Bolton et al., Probing Active-Sterile Neutrino Transition Magnetic "
                   "Moments with Photon Emission from CEvNS, arXiv:2110.02233", "2110.02233",
                   None),
}
_KEY = re.compile(r"\[([A-Z][A-Za-z]+\d{4})")


def _zstd_open(path, mode):
    if sys.version_info >= (3, 14):
        from compression import zstd
    else:
        from backports import zstd
    return zstd.open(path, mode)


def _bz2_open(path, mode):
    import bz2
    return bz2.open(path, mode)


def _xz_open(path, mode):
    import lzma
    return lzma.open(path, mode)


#: Compression by the file's last suffix (those pyhepmc.open reads).
OPENERS = {
    ".gz": lambda path, mode: gzip.open(path, mode, compresslevel=6),  # 9 is 3x slower
    ".bz2": _bz2_open,
    ".xz": _xz_open,
    ".zst": _zstd_open,
}


def _int_attr(value: int):
    """An integer attribute: IntAttribute if it fits 32 bits; else its text (a LongAttribute
    to HepMC3 readers: the file holds only the text)."""
    return int(value) if -2**31 <= value < 2**31 else str(int(value))


def process_info(code: int, name: str) -> tuple[str, list[str], list[str]]:
    """(description, arXiv ids, DOIs) of a process: its docstring's first paragraph (which cites
    the equations) and the references of the keys it cites."""
    cls = PROCESSES[name] if name in PROCESSES else None
    doc = inspect.cleandoc(cls.__doc__ or "") if cls is not None else ""
    first = " ".join(doc.split("\n\n")[0].split()) or name
    keys = [k for k in dict.fromkeys(_KEY.findall(doc)) if k in REFERENCES]
    refs = "; ".join(f"[{k}] {REFERENCES[k][0]}" for k in keys)
    text = f"mcgen process {name} (code {code}): {first}" + (f" References: {refs}." if refs
                                                            else "")
    return (text, [REFERENCES[k][1] for k in keys],
            [REFERENCES[k][2] for k in keys if REFERENCES[k][2]])


def run_info(meta: dict, run_card: str | None, with_time: bool) -> pyhepmc.GenRunInfo:
    """The NuHepMC GenRunInfo of a run (module docstring) from the generator's metadata."""
    ri = pyhepmc.GenRunInfo()
    ri.tools = [("mcgen", str(meta.get("mcgen_version", __version__)),
                 "Monte Carlo event generator for low-energy neutrino electromagnetic and "
                 "dipole-portal physics")]
    ri.weight_names = ["CV"]
    a = ri.attributes
    for part, v in zip(("Major", "Minor", "Patch"), NUHEPMC_VERSION):
        a[f"NuHepMC.Version.{part}"] = v
    conventions = ["G.C.2", "G.C.3", "G.C.5", "G.S.1", "G.S.2"] + (["E.C.5"] if with_time else [])
    a["NuHepMC.Conventions"] = conventions
    a["NuHepMC.FluxAveragedTotalCrossSection"] = float(meta["expected_events"])
    a["NuHepMC.Units.CrossSection.Unit"] = "events"
    a["NuHepMC.Units.CrossSection.TargetScale"] = "PerExposure"
    codes = {int(c): n for c, n in meta["process_codes"].items()}
    a["NuHepMC.ProcessIDs"] = sorted(codes)
    for code, name in sorted(codes.items()):
        text, arxiv, doi = process_info(code, name)
        a[f"NuHepMC.ProcessInfo[{code}].Name"] = name
        a[f"NuHepMC.ProcessInfo[{code}].Description"] = text
        if arxiv:
            a[f"NuHepMC.Citations.Process[{code}].arXiv"] = arxiv
        if doi:
            a[f"NuHepMC.Citations.Process[{code}].DOI"] = doi
    for kind, table in (("Vertex", VERTEX_STATUSES), ("Particle", PARTICLE_STATUSES)):
        a[f"NuHepMC.{kind}StatusIDs"] = sorted(table)
        for code, (name, text) in table.items():
            a[f"NuHepMC.{kind}StatusInfo[{code}].Name"] = name
            a[f"NuHepMC.{kind}StatusInfo[{code}].Description"] = text
    a["NuHepMC.AdditionalParticleNumbers"] = list(ADDITIONAL_PARTICLES)
    for pdg, (name, text) in ADDITIONAL_PARTICLES.items():
        a[f"NuHepMC.AdditionalParticleNumber[{pdg}].Name"] = name
        a[f"NuHepMC.AdditionalParticleInfo[{pdg}].Description"] = text
    if run_card is not None:
        a["NuHepMC.Provenance.RunCard"] = run_card
    a["NuHepMC.Provenance.Seed"] = _int_attr(meta["seed"])
    a["NuHepMC.Provenance.RNGState"] = (
        f"numpy PCG64 per block of {meta.get('block_events', BLOCK_EVENTS)} events: block b "
        f"(events b*{meta.get('block_events', BLOCK_EVENTS)}...) draws from "
        f"np.random.default_rng(np.random.SeedSequence({meta['seed']}, spawn_key=(b,)))")
    a["NuHepMC.Provenance.NEvents"] = _int_attr(meta["generated_events"])
    a["NuHepMC.Provenance.Metadata"] = json.dumps(strict_json(meta), default=str,
                                                  allow_nan=False)
    return ri


def lab_positions(ev: dict) -> list[str]:
    """E.R.5 / E.C.5 "lab_pos" of each event as text: vertex [mm], then the absolute time of
    the interaction [s] where it is defined (17 significant digits)."""
    xyz = np.stack([ev["vtx_x_mm"], ev["vtx_y_mm"], ev["vtx_z_mm"]], 1).tolist()
    t = (ev["t_vtx_ns"] * 1e-9).tolist() if "t_vtx_ns" in ev else [math.nan] * len(xyz)
    return [f"{p[0]!r} {p[1]!r} {p[2]!r}" + (f" {s!r}" if s == s else "")  # s == s: not NaN
            for p, s in zip(xyz, t)]


def particle_table(ev: dict, m_component: np.ndarray) -> dict[str, np.ndarray]:
    """The HEPEVT-like rows of every event of a chunk, event after event: the incoming
    particle (status 4, mass of its source component, m_component [MeV]), the target at rest
    (status 20, the recoil's mass), the N that decays (status 2, if it does), then the final
    state in its order (status 1). parents: 0-based rows within the event ((0, 1): the primary
    vertex; (2, 2): the decay of N); vx..vt: the production vertex [mm], t counted from the
    interaction (c decay_dt_ns at the decay). Also "offsets" (first row of each event) and
    "decays"."""
    fs = ev["fs"]
    nfs = ak.to_numpy(ak.num(fs))
    flat = {f: ak.to_numpy(ak.flatten(fs[f])) for f in fs.fields}
    n = nfs.size
    decays = (ev["pdg_decay"] != 0) if "pdg_decay" in ev else np.zeros(n, bool)
    rows = 2 + decays + nfs
    off = np.concatenate([[0], np.cumsum(rows)])
    first = off[:-1]
    fs_at = np.repeat(first + 2 + decays, nfs) + (np.arange(nfs.sum()) - np.repeat(
        np.cumsum(nfs) - nfs, nfs))
    N_at = (first + 2)[decays]
    size = int(off[-1])
    t = {k: np.zeros(size) for k in ("px", "py", "pz", "E", "m", "vx", "vy", "vz", "vt")}
    t["pid"] = np.zeros(size, np.int32)
    t["status"] = np.full(size, FINAL, np.int32)
    t["parents"] = np.zeros((size, 2), np.int64)
    # incoming particle and target
    m_in = m_component[ev["component"]]
    E_in = ev["E_in_MeV"]
    p_in = np.sqrt(np.maximum((E_in - m_in) * (E_in + m_in), 0.0))
    for k, c in zip(("px", "py", "pz"), "xyz"):
        t[k][first] = p_in * ev[f"dir_in_{c}"]
    t["E"][first], t["m"][first] = E_in, m_in
    M = flat["mass_MeV"][np.cumsum(nfs) - 1]  # the recoil is the last particle
    t["E"][first + 1] = t["m"][first + 1] = M
    t["pid"][first], t["pid"][first + 1] = ev["pdg_in"], ev["target_pdg"]
    t["status"][first], t["status"][first + 1] = BEAM, TARGET
    t["parents"][first] = t["parents"][first + 1] = -1
    # the final state, from the primary vertex or from the decay of N
    for k, f in (("px", "px_MeV"), ("py", "py_MeV"), ("pz", "pz_MeV"), ("E", "E_MeV"),
                 ("m", "mass_MeV"), ("pid", "pdg")):
        t[k][fs_at] = flat[f]
    from_decay = flat["vertex"] == 1
    t["parents"][fs_at] = np.where(from_decay[:, None], 2, [0, 1])
    vtx = np.stack([ev["vtx_x_mm"], ev["vtx_y_mm"], ev["vtx_z_mm"], np.zeros(n)], 1)
    at = np.stack([t[k] for k in ("vx", "vy", "vz", "vt")], 1)
    at[:] = np.repeat(vtx, rows, axis=0)
    if decays.any():  # N: its momentum and mass from the event branches
        E, px, py, pz = (ev[k][decays] for k in ("E_out_MeV", "px_out_MeV", "py_out_MeV",
                                                 "pz_out_MeV"))
        t["px"][N_at], t["py"][N_at], t["pz"][N_at], t["E"][N_at] = px, py, pz, E
        t["m"][N_at] = np.sqrt(np.maximum(E * E - (px * px + py * py + pz * pz), 0.0))
        t["pid"][N_at], t["status"][N_at] = ev["pdg_out"][decays], DECAYED
        t["parents"][N_at] = [0, 1]
        dec = np.stack([ev["decay_x_mm"], ev["decay_y_mm"], ev["decay_z_mm"],
                        ev["decay_dt_ns"] * C_LIGHT], 1)
        at[fs_at[from_decay]] = np.repeat(dec, nfs, axis=0)[from_decay]
    for j, k in enumerate(("vx", "vy", "vz", "vt")):
        t[k] = np.ascontiguousarray(at[:, j])
    t["offsets"], t["decays"] = off, decays
    return t


class HepMC3Writer(Writer):
    """Context manager: ``with HepMC3Writer(path) as w: w.metadata(meta, card); w.extend(ev)``.
    ``compression`` is ignored (the file name's suffix chooses it), ``final_state`` too (the
    final state is always needed); ``branches`` tells whether the run has times."""

    name = "hepmc3"
    extensions = (".hepmc3", ".hepmc3.gz", ".hepmc3.bz2", ".hepmc3.xz", ".hepmc3.zst")
    needs_final_state = True

    def __init__(self, path: str | os.PathLike, *, compression: str = "lz4",
                 final_state: bool = True, branches: list[str] | None = None):
        self.path, self.tmp = self.output_paths(path)
        branches = list(BRANCH_TYPES) if branches is None else branches
        self.with_time = "t_vtx_ns" in branches
        self._file = self._ios = self._writer = None
        self._run_info = None

    def __enter__(self) -> HepMC3Writer:
        opener = OPENERS.get(self.path.suffix)
        self._file = opener(self.tmp, "wb") if opener else open(self.tmp, "wb")  # noqa: SIM115
        self._ios = pyiostream(self._file)
        return self

    def metadata(self, meta: dict, run_card: str | None = None) -> None:
        """Write the header and the GenRunInfo (before the first event)."""
        self._run_info = run_info(meta, run_card, self.with_time)
        self._masses = np.array([c["mass_MeV"] for c in meta["source"]["components"]])
        self._writer = WriterAscii(self._ios, self._run_info)
        self._check()

    def _check(self) -> None:
        if self._writer.failed():
            raise OSError(f"run.output = {str(self.path)!r}: writing failed")

    def extend(self, events: dict) -> None:
        """Append one chunk (dict of branch arrays with "fs", the jagged final state). The
        particle table of the whole chunk is built with numpy (`particle_table`); each event is
        then one `GenEvent.from_hepevt` call on its rows (HepMC3 records are made one by one)."""
        if self._writer is None:
            raise RuntimeError("HepMC3Writer.metadata() must be called before extend()")
        if "fs" not in events:
            raise RuntimeError("HepMC3Writer needs the final state (events['fs']): callers "
                               "must honour Writer.needs_final_state")
        t = particle_table(events, self._masses)
        cols = [t[k] for k in ("px", "py", "pz", "E", "m", "pid", "status", "parents", "vx",
                               "vy", "vz", "vt")]
        off, decays = t["offsets"].tolist(), t["decays"].tolist()
        number, weight, proc = (events[k].tolist() for k in ("event", "weight", "process"))
        lab = lab_positions(events)
        GenEvent, MEV, MM = pyhepmc.GenEvent, pyhepmc.Units.MEV, pyhepmc.Units.MM
        write = self._writer.write_event
        for i in range(len(number)):
            a, b = off[i], off[i + 1]
            evt = GenEvent(MEV, MM)
            evt.from_hepevt(number[i], *(c[a:b] for c in cols[:7]), cols[7][a:b], None,
                            *(c[a:b] for c in cols[8:]), False)
            vertices = evt.vertices  # primary first, then the decay of N (if any)
            vertices[0].status = PRIMARY_VERTEX
            if decays[i]:
                vertices[1].status = DECAY_VERTEX
            evt.weights = [weight[i]]
            evt.attributes["signal_process_id"] = proc[i]
            evt.attributes["lab_pos"] = lab[i]
            write(evt)
        self._check()

    def __exit__(self, exc_type, exc, tb) -> None:
        """Close; the file takes its final name only if the run and the close both succeeded,
        so an existing file of that name is never replaced by a broken one."""
        closed = False
        try:
            if self._writer is not None:
                self._writer.close()  # the end-of-listing line
                self._check()
            self._ios.flush()
            self._file.close()
            closed = True
        finally:
            if not closed:
                try:
                    self._file.close()
                except Exception:  # noqa: BLE001 - already failing: keep the first error
                    pass
            if exc_type is None and closed:
                os.replace(self.tmp, self.path)
            else:
                self.tmp.unlink(missing_ok=True)
