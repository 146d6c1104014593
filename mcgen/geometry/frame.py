"""The experiment's own coordinates: an optional `[detector] frame` of a run card.

mcgen works in the detector frame (mm, z up, origin at the fiducial volume's centre unless
``center_mm`` moves it). A `Frame` maps it onto the coordinates of an experiment's own
simulation: a rotation R, then a shift by the origin,

    r_exp = origin_mm + R r_mcgen,     p_exp = R p_mcgen   (momenta, directions),

with ``rotation_deg = [a, b, c]`` meaning: turn about the x axis by a, then about the (fixed) y
axis by b, then about the (fixed) z axis by c, each right-handed (counter-clockwise looking down
the axis), so R = Rz(c) Ry(b) Rx(a). Example: ``rotation_deg = [0, 0, 90]`` puts mcgen's x axis
along the experiment's +y. The point at mcgen's origin lands on ``origin_mm``. Lengths, times,
energies, baselines and cos_zenith (relative to the local vertical) do not change.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConfigError
from ..validation import three_vector

#: Position branches (x, y, z) [mm] of the `events` tree (mcgen/sampling/columns.py): vertex,
#: emission point, reconstructed vertex, decay point of N.
POSITION_BRANCHES = (("vtx_x_mm", "vtx_y_mm", "vtx_z_mm"),
                     ("src_x_mm", "src_y_mm", "src_z_mm"),
                     ("vtx_reco_x_mm", "vtx_reco_y_mm", "vtx_reco_z_mm"),
                     ("decay_x_mm", "decay_y_mm", "decay_z_mm"))
#: Vector branches (x, y, z) that rotate but do not shift: direction of flight [1], momenta of
#: the outgoing particle, the recoil and the decay photon [MeV].
VECTOR_BRANCHES = (("dir_in_x", "dir_in_y", "dir_in_z"),
                   ("px_out_MeV", "py_out_MeV", "pz_out_MeV"),
                   ("px_recoil_MeV", "py_recoil_MeV", "pz_recoil_MeV"),
                   ("px_gamma_MeV", "py_gamma_MeV", "pz_gamma_MeV"))
#: Momentum fields [MeV] of the jagged final state (events["fs"], branches fs_px_MeV ...).
FINAL_STATE_VECTOR = ("px_MeV", "py_MeV", "pz_MeV")


def rotation_matrix(rotation_deg) -> np.ndarray:
    """R = Rz(c) Ry(b) Rx(a) for rotation_deg = (a, b, c) [deg] (module docstring)."""
    a, b, c = (math.radians(v) for v in rotation_deg)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


class Frame:
    """Placement of mcgen's detector frame in the experiment's coordinates: ``origin_mm``
    (x, y, z) [mm] and ``rotation_deg`` (about x, then y, then z; fixed axes) [deg]. The
    default is the identity (events as mcgen makes them). ``field`` names the card field in
    error messages."""

    def __init__(self, origin_mm=(0.0, 0.0, 0.0), rotation_deg=(0.0, 0.0, 0.0), *,
                 field: str = "frame"):
        self.origin_mm = three_vector(f"{field}.origin_mm", origin_mm,
                                      allowed="[x, y, z]: 3 finite numbers (mm)")
        self.rotation_deg = three_vector(
            f"{field}.rotation_deg", rotation_deg,
            allowed="[about_x, about_y, about_z]: 3 finite angles (degrees)")
        self.matrix = rotation_matrix(self.rotation_deg)

    @classmethod
    def from_table(cls, field: str, table) -> Frame:
        """A Frame from a card table ``{origin_mm = [...], rotation_deg = [...]}`` (both
        optional); ConfigError naming `field` for anything else."""
        allowed = ["origin_mm", "rotation_deg"]
        if not isinstance(table, dict):
            raise ConfigError(f"{field} = {table!r}: must be a table with {allowed}")
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            raise ConfigError(f"{field}: unknown field(s) {unknown}; allowed are {allowed}")
        return cls(**table, field=field)

    @property
    def is_identity(self) -> bool:
        return self.origin_mm == (0.0, 0.0, 0.0) and self.rotation_deg == (0.0, 0.0, 0.0)

    def __repr__(self) -> str:
        return f"Frame(origin_mm={list(self.origin_mm)}, rotation_deg={list(self.rotation_deg)})"

    def point(self, r_mm) -> np.ndarray:
        """A point (3,) or points (n, 3) [mm] of mcgen's frame in the experiment's."""
        return np.asarray(r_mm, float) @ self.matrix.T + np.asarray(self.origin_mm)

    def apply(self, events: dict) -> None:
        """Move a chunk of events (dict of branch arrays, as Generator.iter_chunks yields
        them) into the experiment's coordinates, in place: positions rotate and shift,
        directions and momenta (also the final state "fs") rotate. Branches that are absent
        are skipped; NaN stays NaN."""
        if self.is_identity:
            return
        for names, shift in ([(n, True) for n in POSITION_BRANCHES]
                             + [(n, False) for n in VECTOR_BRANCHES]):
            if names[0] in events:
                xyz = self._rotate([np.asarray(events[n], float) for n in names])
                for i, n in enumerate(names):
                    events[n] = xyz[i] + self.origin_mm[i] if shift else xyz[i]
        if "fs" in events:
            events["fs"] = self._rotate_final_state(events["fs"])

    def _rotate(self, xyz: list[np.ndarray]) -> list[np.ndarray]:
        """The three components of matrix @ (x, y, z), written out: a BLAS product would start
        its thread pool, whose idle threads spin and take CPU from the sampling."""
        m = self.matrix
        return [m[i, 0] * xyz[0] + m[i, 1] * xyz[1] + m[i, 2] * xyz[2] for i in range(3)]

    def _rotate_final_state(self, fs):
        """The jagged final state with its momenta rotated (awkward, flat arrays at once)."""
        import awkward as ak

        counts = ak.num(fs)
        p = [ak.to_numpy(ak.flatten(fs[f])) for f in FINAL_STATE_VECTOR]
        for f, v in zip(FINAL_STATE_VECTOR, self._rotate(p)):
            fs = ak.with_field(fs, ak.unflatten(v, counts), f)
        return fs
