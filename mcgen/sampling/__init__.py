"""Random streams, proposal tables and the numba event kernels."""
