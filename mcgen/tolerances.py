"""Tolerance policy: the few relative tolerances mcgen uses, named once, each with its reason.
Use these instead of inline literals.

- ENVELOPE_SLACK: a proposal bound is inflated by this much, and a density counts as exceeding
  its envelope only beyond it: absorbs rounding in bounds that are exact in real arithmetic.
- KINK_SIDE: relative step to either side of a kink or an edge (of a spectrum, a form factor,
  a table) when a supremum is taken at both sides of it.
- KINEMATIC_EDGE: relative rounding allowed at a kinematic end point (Tmax from two equivalent
  formulas; a recoil exactly at the edge must not be cut).
- RANGE_EDGE: the same for the two-body recoil range with massive particles, whose two ends
  come from a quadratic solved in floating point.
- ROOT_XTOL: relative accuracy of root finding for energies (brentq), far below any bin width.
"""

ENVELOPE_SLACK = 1e-9
KINK_SIDE = 1e-12
KINEMATIC_EDGE = 1e-12
RANGE_EDGE = 1e-10
ROOT_XTOL = 1e-14
