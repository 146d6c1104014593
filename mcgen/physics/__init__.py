"""Pure numba formulas: no classes, no I/O. Each function cites its paper and equation.

Energies in MeV, momenta in MeV, masses in MeV, cross sections in natural units (MeV^-n)
unless a docstring says otherwise.
"""
