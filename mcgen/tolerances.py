"""Tolerance policy: the few relative tolerances mcgen uses, named once, each with its reason.
Use these instead of inline literals.

- ENVELOPE_SLACK: a proposal bound is inflated by this much, and a density counts as exceeding
  its envelope only beyond it: absorbs rounding in bounds that are exact in real arithmetic.
- KINK_SIDE: relative step to either side of a kink or an edge (of a spectrum, a form factor,
  a table) when a supremum is taken at both sides of it; two kinks closer than this are one.
- KINEMATIC_EDGE: relative rounding allowed at a kinematic end point (Tmax from two equivalent
  formulas; a recoil exactly at the edge must not be cut).
- RANGE_EDGE: the same for the two-body recoil range with massive particles, whose two ends
  come from a quadratic solved in floating point.
- ROOT_XTOL: accuracy of root finding, far below any bin width: relative for energies
  (brentq) and for ln p (Newton, energy loss), absolute in x = q R (of order 1-50) for the
  extrema of a form factor.
- ROOT_RTOL: brentq's own relative tolerance, just above its floor of 4 machine epsilons.
- BOUND_ROUNDING: a rigorous upper bound evaluated in floating point (a supremum of a form
  factor, of a table, of a kinematic bracket) is raised by this much (relative, or absolute for a
  bound of order one) to cover the rounding of its own evaluation.
- TABLE_EDGE: a point this far below a table's first node (absolute in ln E, i.e. relative in
  E) still counts as on the table: the bound probes the node at (1 - KINK_SIDE) times it.
- OPENING_STEP: relative step above a channel's opening energy (sqrt(s) = m_out + M) at which
  its recoil range is first evaluated (at the opening itself the range is a single point).
- POWER_INDEX_LOG: a power law E^g whose index is this close to -1 is integrated as ln E.
- QUAD_EPSREL: relative accuracy asked of scipy's adaptive quadrature when a spectrum is
  normalised.
- FRACTION_SUM_SLACK: by how much user-given branchings may sum above 1 (rounding of their
  decimal input).
- WINDOW_EDGE: relative overlap allowed between consecutive time windows (rounding of their
  conversion from days).

Numba kernels read these as compile-time constants (module-level floats).
"""

ENVELOPE_SLACK = 1e-9
KINK_SIDE = 1e-12
KINEMATIC_EDGE = 1e-12
RANGE_EDGE = 1e-10
ROOT_XTOL = 1e-14
ROOT_RTOL = 1e-15
BOUND_ROUNDING = 1e-12
TABLE_EDGE = 1e-12
OPENING_STEP = 1e-15
POWER_INDEX_LOG = 1e-12
QUAD_EPSREL = 1e-12
FRACTION_SUM_SLACK = 1e-9
WINDOW_EDGE = 1e-12
