"""The engine's arrays: their precision (double for a deterministic forecast, single for the Monte Carlo)
and their memory layout.

The Monte Carlo moves 10,000 samples × ~180 months through ~40 array passes; in single precision each
pass moves half the bytes and numpy's SIMD exp/log run about twice as fast. Its results are logs of FLOP
(about 60 ± 20) compared month by month; terms such as growth × year (about 2,000) carry single precision's
rounding into a log at up to ~5e-4, i.e. 0.05% in FLOP, far below any spread the run samples: in tests,
over 99.5% of ceiling times are identical to a double-precision run and none moves by more than a month.
Columns derived from the drawn values are computed in the precision of those values, so the whole run
stays single once its inputs are.
"""

from __future__ import annotations

import numpy as np

SINGLE = np.float32


def real(value) -> np.ndarray:
    """`value` as a float array: single when it already is (a Monte Carlo column), else double."""
    array = np.asarray(value)
    return array if array.dtype == SINGLE else array.astype(float, copy=False)


def single(p: dict) -> dict:
    """The numeric parameters in single precision (floats become float32 scalars, arrays float32 arrays);
    anything else (switches, names) unchanged."""
    return {name: single_value(value) for name, value in p.items()}


def single_value(value):
    """One parameter in single precision, as `single` converts it."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(SINGLE)
    if isinstance(value, float | np.floating):
        return SINGLE(value)
    return value


def layout(array) -> str:
    """"F" for a time-major (Fortran-ordered) 2-D array, else "C": temporaries follow their operands' layout
    (mixing layouts in one operation is several times slower)."""
    return "F" if np.ndim(array) == 2 and array.flags.f_contiguous and not array.flags.c_contiguous else "C"
