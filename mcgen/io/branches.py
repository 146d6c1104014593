"""The branches of the `events` TTree: name, type, unit, meaning. README.md's table is checked
against this list by the tests."""

from __future__ import annotations

from typing import NamedTuple

import awkward as ak
import numpy as np


class Branch(NamedTuple):
    name: str
    dtype: type
    unit: str
    doc: str


BRANCHES: tuple[Branch, ...] = (
    Branch("event", np.int64, "", "event number in the run (0, 1, ...)"),
    Branch("process", np.int32, "", "process code (metadata `process_codes`)"),
    Branch("component", np.int32, "", "source component (index into metadata `components`)"),
    Branch("pdg_in", np.int32, "", "PDG id of the incoming particle"),
    Branch("pdg_out", np.int32, "", "PDG id of the outgoing projectile-side particle"),
    Branch("target_pdg", np.int32, "",
           "PDG id of the recoil (100ZZZAAA0 nucleus; 11 electron, also the ejected electron of "
           "ionization_epa)"),
    Branch("weight", np.float64, "events",
           "expected real events this event stands for; the sum is the expected count"),
    Branch("E_in_MeV", np.float64, "MeV", "total energy of the incoming particle"),
    Branch("dir_in_x", np.float64, "1", "direction of flight of the incoming particle, x"),
    Branch("dir_in_y", np.float64, "1", "direction of flight of the incoming particle, y"),
    Branch("dir_in_z", np.float64, "1", "direction of flight of the incoming particle, z (up)"),
    Branch("vtx_x_mm", np.float64, "mm", "interaction vertex x (detector frame)"),
    Branch("vtx_y_mm", np.float64, "mm", "interaction vertex y"),
    Branch("vtx_z_mm", np.float64, "mm", "interaction vertex z (up)"),
    Branch("T_recoil_keV", np.float64, "keV", "kinetic energy of the recoiling target"),
    Branch("E_vis_keVee", np.float64, "keVee",
           "visible (electron-equivalent) energy: Lindhard-quenched for nuclear recoils when "
           "the detector has quenching, else T_recoil_keV"),
    Branch("E_out_MeV", np.float64, "MeV", "total energy of the outgoing particle"),
    Branch("px_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, x"),
    Branch("py_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, y"),
    Branch("pz_out_MeV", np.float64, "MeV", "momentum of the outgoing particle, z"),
    Branch("px_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, x"),
    Branch("py_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, y"),
    Branch("pz_recoil_MeV", np.float64, "MeV", "momentum of the recoiling target, z"),
    Branch("t_emit_ns", np.float64, "ns", "emission time (run start = 0); NaN if not defined"),
    Branch("src_x_mm", np.float64, "mm", "emission point x; NaN for a far source without distance"),
    Branch("src_y_mm", np.float64, "mm", "emission point y"),
    Branch("src_z_mm", np.float64, "mm", "emission point z"),
    Branch("baseline_mm", np.float64, "mm", "emission point to vertex; NaN if not defined"),
    Branch("vtx_reco_x_mm", np.float64, "mm", "reconstructed vertex x (detector resolution)"),
    Branch("vtx_reco_y_mm", np.float64, "mm", "reconstructed vertex y"),
    Branch("vtx_reco_z_mm", np.float64, "mm", "reconstructed vertex z"),
    Branch("E_surface_MeV", np.float64, "MeV",
           "total energy at the Earth's surface (= E_in_MeV without a site)"),
    Branch("path_rock_mm", np.float64, "mm", "path through the site's rock (0 without a site)"),
    Branch("cos_zenith", np.float64, "1", "cosine of the arrival zenith angle (1: from above)"),
    Branch("E_gamma_MeV", np.float64, "MeV", "energy of the photon from the decay of the outgoing "
           "N (N -> nu gamma, N -> N' gamma); NaN if it does not decay"),
    Branch("px_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, x"),
    Branch("py_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, y"),
    Branch("pz_gamma_MeV", np.float64, "MeV", "momentum of the decay photon, z"),
    Branch("decay_x_mm", np.float64, "mm", "decay point of N, x (detector frame)"),
    Branch("decay_y_mm", np.float64, "mm", "decay point of N, y"),
    Branch("decay_z_mm", np.float64, "mm", "decay point of N, z"),
    Branch("decay_dt_ns", np.float64, "ns", "lab time from the interaction to the decay of N"),
    Branch("decay_inside", np.bool_, "", "the decay point is inside the fiducial volume"),
    Branch("decay_p_inside", np.float64, "1",
           "probability that N decays inside the fiducial volume, given its momentum and "
           "production point (a smooth alternative to decay_inside)"),
    Branch("cos_gamma_rest", np.float64, "1",
           "cosine of the photon direction with the N flight direction, in the N rest frame"),
    Branch("pdg_decay", np.int32, "", "PDG id of the neutral daughter of N (+-12/14/16 active, "
           "+-9900016 N'); 0 if N does not decay"),
)

#: Branches written only when the run gives them a meaning (mcgen.Generator.branch_names):
#: emission points and baselines (near source, or a far source with a distance), emission
#: times (a time model), reconstructed vertices (vertex resolution), surface energy, rock path
#: and zenith (a site), visible energy (quenching), decay of the outgoing particle (a channel
#: whose outgoing N decays: dipole-portal upscattering with m_N > 0).
OPTIONAL_GROUPS = {
    "emission": ("src_x_mm", "src_y_mm", "src_z_mm", "baseline_mm"),
    "time": ("t_emit_ns",),
    "reco": ("vtx_reco_x_mm", "vtx_reco_y_mm", "vtx_reco_z_mm"),
    "rock": ("E_surface_MeV", "path_rock_mm", "cos_zenith"),
    "visible": ("E_vis_keVee",),
    "decay": ("E_gamma_MeV", "px_gamma_MeV", "py_gamma_MeV", "pz_gamma_MeV", "decay_x_mm",
              "decay_y_mm", "decay_z_mm", "decay_dt_ns", "decay_inside", "decay_p_inside",
              "cos_gamma_rest", "pdg_decay"),
}

BRANCH_TYPES = {b.name: b.dtype for b in BRANCHES}
BRANCH_UNITS = {b.name: b.unit for b in BRANCHES}

#: Optional jagged final state (run option final_state): uproot writes the record "fs" as the
#: branches nfs (count), fs_pdg, fs_E_MeV, fs_px_MeV, fs_py_MeV, fs_pz_MeV, fs_vertex. A
#: decaying N is replaced by its daughters, which start at the decay vertex (fs_vertex = 1).
FINAL_STATE_BRANCHES: tuple[Branch, ...] = (
    Branch("nfs", np.int32, "", "number of outgoing particles (final_state = true)"),
    Branch("fs_pdg", np.int32, "", "PDG id of each outgoing particle (projectile side, recoil)"),
    Branch("fs_E_MeV", np.float64, "MeV", "total energy of each outgoing particle"),
    Branch("fs_px_MeV", np.float64, "MeV", "momentum x of each outgoing particle"),
    Branch("fs_py_MeV", np.float64, "MeV", "momentum y of each outgoing particle"),
    Branch("fs_pz_MeV", np.float64, "MeV", "momentum z of each outgoing particle"),
    Branch("fs_vertex", np.int32, "", "where each particle starts: 0 the interaction vertex "
           "(vtx_*_mm), 1 the decay point of N (decay_*_mm, decay_dt_ns later)"),
)
FINAL_STATE_TYPE = ak.types.from_datashape(
    "var * {pdg: int32, E_MeV: float64, px_MeV: float64, py_MeV: float64, pz_MeV: float64, "
    "vertex: int32}", highlevel=False)
