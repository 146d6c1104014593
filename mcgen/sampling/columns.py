"""The one table of output columns: every branch of the `events` TTree with its dtype, unit,
meaning, the kernel row it comes from (with the unit it is divided by) and the optional group it
belongs to. The event kernel's row layout, the generator's branch conversion, the ROOT writer's
types and units, and README.md's branch table (checked by a test) all derive from it.
"""

from __future__ import annotations

from typing import NamedTuple

import awkward as ak
import numpy as np

from ..constants import C_LIGHT, keV


class Column(NamedTuple):
    """name: branch name (unit in the name); dtype; unit ("" for counts and codes); doc;
    row: the event kernel's output row (None: filled by the generator); scale: the internal
    unit the row is divided by for the branch (keV for T_recoil_keV; mm, ns, MeV are 1);
    group: an optional group, written only when the run gives it a meaning (None: always)."""

    name: str
    dtype: type
    unit: str
    doc: str
    row: str | None = None
    scale: float = 1.0
    group: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("event", np.int64, "", "event number in the run (0, 1, ...)"),
    Column("process", np.int32, "", "process code (metadata `process_codes`)"),
    Column("component", np.int32, "", "source component (index into metadata `components`)"),
    Column("pdg_in", np.int32, "", "PDG id of the incoming particle"),
    Column("pdg_out", np.int32, "", "PDG id of the outgoing projectile-side particle"),
    Column("target_pdg", np.int32, "",
           "PDG id of the recoil (100ZZZAAA0 nucleus; 11 electron, also the ejected electron of "
           "ionization_epa)"),
    Column("weight", np.float64, "events",
           "expected real events this event stands for; the sum is the expected count"),
    Column("E_in_MeV", np.float64, "MeV", "total energy of the incoming particle", row="E_in"),
    Column("dir_in_x", np.float64, "1", "direction of flight of the incoming particle, x",
           row="ux"),
    Column("dir_in_y", np.float64, "1", "direction of flight of the incoming particle, y",
           row="uy"),
    Column("dir_in_z", np.float64, "1", "direction of flight of the incoming particle, z (up)",
           row="uz"),
    Column("vtx_x_mm", np.float64, "mm", "interaction vertex x (detector frame)", row="x"),
    Column("vtx_y_mm", np.float64, "mm", "interaction vertex y", row="y"),
    Column("vtx_z_mm", np.float64, "mm", "interaction vertex z (up)", row="z"),
    Column("T_recoil_keV", np.float64, "keV", "kinetic energy of the recoiling target",
           row="T", scale=keV),
    Column("E_vis_keVee", np.float64, "keVee",
           "visible (electron-equivalent) energy: Lindhard-quenched for nuclear recoils when "
           "the detector has quenching, else T_recoil_keV", group="visible"),
    Column("E_obs_keV", np.float64, "keV",
           "observed energy: E_vis_keVee smeared by the detector resolution (same unit: keVee "
           "for quenched nuclear recoils, else keV); = E_vis_keVee without a resolution",
           group="response"),
    Column("accepted", np.bool_, "", "E_obs_keV is inside the observed window and passed the "
           "efficiency draw; events with false are written too (weights: before this cut)",
           group="response"),
    Column("E_out_MeV", np.float64, "MeV", "total energy of the outgoing particle", row="E_out"),
    Column("px_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, x", row="px_out"),
    Column("py_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, y", row="py_out"),
    Column("pz_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, z", row="pz_out"),
    Column("px_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, x", row="px_rec"),
    Column("py_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, y", row="py_rec"),
    Column("pz_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, z", row="pz_rec"),
    Column("t_emit_ns", np.float64, "ns", "emission time (run start = 0); NaN if not defined",
           row="t", group="time"),
    Column("src_x_mm", np.float64, "mm", "emission point x; NaN for a far source without distance",
           row="sx", group="emission"),
    Column("src_y_mm", np.float64, "mm", "emission point y", row="sy", group="emission"),
    Column("src_z_mm", np.float64, "mm", "emission point z", row="sz", group="emission"),
    Column("baseline_mm", np.float64, "mm", "emission point to vertex; NaN if not defined",
           row="L", group="emission"),
    Column("t_vtx_ns", np.float64, "ns",
           "time of the interaction (run start = 0): t_emit_ns + baseline_mm / (beta c) of the "
           "incoming particle (t_emit_ns alone without a baseline); NaN if t_emit_ns is",
           group="time"),
    Column("vtx_reco_x_mm", np.float64, "mm", "reconstructed vertex x (detector resolution)",
           row="rx", group="reco"),
    Column("vtx_reco_y_mm", np.float64, "mm", "reconstructed vertex y", row="ry", group="reco"),
    Column("vtx_reco_z_mm", np.float64, "mm", "reconstructed vertex z", row="rz", group="reco"),
    Column("E_surface_MeV", np.float64, "MeV",
           "total energy at the Earth's surface (= E_in_MeV without a site)",
           row="E_surf", group="rock"),
    Column("path_rock_mm", np.float64, "mm", "path through the site's rock (0 without a site)",
           row="path", group="rock"),
    Column("cos_zenith", np.float64, "1", "cosine of the arrival zenith angle (1: from above)",
           row="cz", group="rock"),
    Column("E_gamma_MeV", np.float64, "MeV", "energy of the photon from the decay of the outgoing "
           "N (N -> nu gamma, N -> N' gamma); NaN if it does not decay", row="g_E", group="decay"),
    Column("px_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, x",
           row="g_px", group="decay"),
    Column("py_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, y",
           row="g_py", group="decay"),
    Column("pz_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, z",
           row="g_pz", group="decay"),
    Column("decay_x_mm", np.float64, "mm", "decay point of N, x (detector frame)",
           row="d_x", group="decay"),
    Column("decay_y_mm", np.float64, "mm", "decay point of N, y", row="d_y", group="decay"),
    Column("decay_z_mm", np.float64, "mm", "decay point of N, z", row="d_z", group="decay"),
    Column("decay_dt_ns", np.float64, "ns", "lab time from the interaction to the decay of N",
           row="d_dt", group="decay"),
    Column("t_decay_ns", np.float64, "ns", "time of the decay of N (run start = 0): t_vtx_ns + "
           "decay_dt_ns; NaN if N does not decay or the run has no time structure",
           group="decay"),
    Column("decay_inside", np.bool_, "", "the decay point is inside the fiducial volume",
           row="d_in", group="decay"),
    Column("decay_p_inside", np.float64, "1",
           "probability that N decays inside the fiducial volume, given its momentum and "
           "production point (a smooth alternative to decay_inside)", row="d_pin", group="decay"),
    Column("cos_gamma_rest", np.float64, "1",
           "cosine of the photon direction with the N flight direction, in the N rest frame",
           row="g_cos", group="decay"),
    Column("pdg_decay", np.int32, "", "PDG id of the neutral daughter of N (+-12/14/16 active, "
           "+-9900016 N'); 0 if N does not decay", row="d_pdg", group="decay"),
)

#: Optional jagged final state (run option final_state): uproot writes the record "fs" as the
#: branches nfs (count), fs_pdg, fs_E_MeV, fs_Ekin_MeV, fs_mass_MeV, fs_px_MeV, fs_py_MeV,
#: fs_pz_MeV, fs_vertex: what a Geant4 primary generator needs (G4PrimaryParticle takes the PDG
#: id, the kinetic energy or the momentum, and the mass). A decaying N is replaced by its
#: daughters, which start at the decay vertex (fs_vertex = 1); the recoil is always last.
FINAL_STATE_BRANCHES: tuple[Column, ...] = (
    Column("nfs", np.int32, "", "number of outgoing particles (final_state = true)"),
    Column("fs_pdg", np.int32, "", "PDG id of each outgoing particle (projectile side, recoil)"),
    Column("fs_E_MeV", np.float64, "MeV", "total energy of each outgoing particle"),
    Column("fs_Ekin_MeV", np.float64, "MeV", "kinetic energy of each outgoing particle (the "
           "recoil's is T_recoil_keV, exactly)"),
    Column("fs_mass_MeV", np.float64, "MeV", "mass of each outgoing particle (the one the "
           "kinematics used: E^2 = p^2 + m^2)"),
    Column("fs_px_MeV", np.float64, "MeV", "momentum x of each outgoing particle"),
    Column("fs_py_MeV", np.float64, "MeV", "momentum y of each outgoing particle"),
    Column("fs_pz_MeV", np.float64, "MeV", "momentum z of each outgoing particle"),
    Column("fs_vertex", np.int32, "", "where each particle starts: 0 the interaction vertex "
           "(vtx_*_mm), 1 the decay point of N (decay_*_mm, decay_dt_ns later)"),
)
#: Record fields of events["fs"], in branch order, with their dtypes.
FINAL_STATE_FIELDS: tuple[tuple[str, type], ...] = tuple(
    (c.name[3:], c.dtype) for c in FINAL_STATE_BRANCHES[1:])
FINAL_STATE_TYPE = ak.types.from_datashape(
    "var * {" + ", ".join(f"{n}: {np.dtype(t).name}" for n, t in FINAL_STATE_FIELDS) + "}",
    highlevel=False)


def vertex_times(ev: dict, m_in_MeV: np.ndarray) -> dict[str, np.ndarray]:
    """Absolute times [ns] of the interaction (t_vtx_ns) and, where the decay branches exist,
    of the decay of N (t_decay_ns), from the event branches: t_vtx = t_emit + L / (beta c),
    beta = p / E of the incoming particle of mass m_in_MeV (straight flight from the emission
    point over the baseline L; no baseline: t_emit, the arrival time of a far source)."""
    n = ev["E_in_MeV"].size
    t_emit = ev.get("t_emit_ns", np.full(n, np.nan))
    L = ev.get("baseline_mm", np.full(n, np.nan))
    E = ev["E_in_MeV"]
    beta = np.sqrt(np.maximum((E - m_in_MeV) * (E + m_in_MeV), 0.0)) / E
    with np.errstate(divide="ignore", invalid="ignore"):
        flight = np.where(np.isfinite(L), L / (beta * C_LIGHT), 0.0)
    out = {"t_vtx_ns": t_emit + flight}
    if "decay_dt_ns" in ev:
        out["t_decay_ns"] = out["t_vtx_ns"] + ev["decay_dt_ns"]
    return out


#: Rows of the float64 array the event kernel fills, in order.
KERNEL_ROWS: tuple[str, ...] = tuple(c.row for c in COLUMNS if c.row is not None)
ROW = {r: i for i, r in enumerate(KERNEL_ROWS)}
NCOL = len(KERNEL_ROWS)
#: First of the rows filled only for a decaying outgoing particle (NaN otherwise); the decay
#: rows are the last ones.
ROW_DECAY = ROW["g_E"]
#: Branch -> dtype and unit.
BRANCH_TYPES = {c.name: c.dtype for c in COLUMNS}
BRANCH_UNITS = {c.name: c.unit for c in COLUMNS}
#: Optional groups -> their branches. Emission points and baselines (near source, or a far
#: source with a distance), emission times (a time model), reconstructed vertices (vertex
#: resolution), surface energy, rock path and zenith (a site), visible energy (quenching), observed
#: energy and acceptance (a detector [response]: resolution, efficiency or observed window), decay
#: of the outgoing particle (dipole-portal upscattering with m_N > 0).
OPTIONAL_GROUPS: dict[str, tuple[str, ...]] = {}
for _c in COLUMNS:
    if _c.group is not None:
        OPTIONAL_GROUPS.setdefault(_c.group, ())
        OPTIONAL_GROUPS[_c.group] += (_c.name,)
