r"""The per-start engine's workspace: two flat arrays, named views into them.

A per-start method's step is called once per iteration through a function pointer, and
Numba passes every array argument by value as its whole descriptor (meminfo, parent, size,
item size, data, shape, strides: 7 machine words for a vector, 9 for a matrix, 11 for a 3-D
array).  Handing the step the current point, its gradient, the new point and gradient, the
counters and the eight arrays of its named state one by one took about 130 words per call,
pushed on the stack by the engine and read back by the step.  Everything a start works in
therefore lives in two arrays, allocated once per chunk of starts:

``F`` (float64)::

    x | ∇f(x) | x_new | ∇f(x_new) | v (V × n) | m (M × p × p) | t (T × memory × n)
      | q (Q × memory) | f (floats)

``I`` (int64)::

    header (HEADER words: sizes and offsets) | cnt (3) | rng (1, as uint64) | i (ints)
      | perm (n)

with V, M, T, Q, floats, ints the sizes of the method's named state
(:func:`optimizers.spec.state`), p = n when the method keeps n × n matrices and 0 otherwise
(M ≥ 1: one 0 × 0 matrix when none is kept), ``memory`` the history length.  The offsets
are computed once, by :func:`allocate`, and stored in the header; :func:`unpack` turns
``(F, I)`` into the named views at the top of every step, a few loads and no copy or
allocation (:func:`carve`), so a step call passes 2 arrays (14 words) instead of 12.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array

from landscape.jit import INLINE, KERNEL

from . import _layout as L

#: the named state of a per-start method (:mod:`optimizers.registry`, contract item 3)
Work = namedtuple("Work", "v m t q f i perm rng")

# ---- header of I: sizes, then offsets into F (x, ∇f(x), x_new, ∇f(x_new) at 0, n, 2n, 3n)
H_N = 0
H_MEMORY = 1
H_NV = 2
H_NM = 3
H_P = 4
H_NT = 5
H_NQ = 6
H_NF = 7
H_NI = 8
H_OFF_V = 9
H_OFF_M = 10
H_OFF_T = 11
H_OFF_Q = 12
H_OFF_F = 13
H_OFF_PERM = 14
#: words of the header; the counters, the random stream and the method's ints follow
HEADER = 16
OFF_CNT = HEADER
OFF_RNG = HEADER + 3
OFF_INTS = HEADER + 4


@intrinsic
def carve(typingctx, arr, offset, shape):
    """A C-contiguous view of ``arr`` (a contiguous array) of the given ``shape`` (a tuple of
    ints) starting at element ``offset``: the same buffer and owner, data pointer moved, C
    strides.  No bounds check: the offsets come from :func:`allocate`."""
    if not isinstance(arr, types.Array) or arr.layout != "C":
        return None
    if not isinstance(shape, types.UniTuple) or not isinstance(shape.dtype, types.Integer):
        return None
    ndim = shape.count
    retty = types.Array(arr.dtype, ndim, "C")

    def codegen(context, builder, sig, args):
        src_arr, off, shp = args
        src = make_array(sig.args[0])(context, builder, src_arr)
        out = make_array(retty)(context, builder)
        intp = context.get_value_type(types.intp)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(
            context.get_data_type(arr.dtype)))
        dims = [builder.sext(d, intp) if d.type.width < intp.width else d
                for d in cgutils.unpack_tuple(builder, shp, ndim)]
        strides = []
        acc = itemsize
        for d in reversed(dims):
            strides.append(acc)
            acc = builder.mul(acc, d)
        strides.reverse()
        data = builder.gep(src.data, [off])
        populate_array(out, data=data, shape=cgutils.pack_array(builder, dims),
                       strides=cgutils.pack_array(builder, strides), itemsize=itemsize,
                       meminfo=src.meminfo, parent=src.parent)
        res = out._getvalue()
        if context.enable_nrt:
            context.nrt.incref(builder, retty, res)
        return res

    return retty(arr, offset, shape), codegen


@intrinsic
def as_uint64(typingctx, arr):
    """The same 1-D int64 C array read as uint64 (the random stream's state)."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.int64 and arr.ndim == 1
            and arr.layout == "C"):
        return None
    retty = types.Array(types.uint64, 1, "C")

    def codegen(context, builder, sig, args):
        src = make_array(sig.args[0])(context, builder, args[0])
        out = make_array(retty)(context, builder)
        ptr = context.get_value_type(types.uint64).as_pointer()
        populate_array(out, data=builder.bitcast(src.data, ptr), shape=src.shape,
                       strides=src.strides, itemsize=src.itemsize, meminfo=src.meminfo,
                       parent=src.parent)
        res = out._getvalue()
        if context.enable_nrt:
            context.nrt.incref(builder, retty, res)
        return res

    return retty(arr), codegen


@njit(**KERNEL)
def allocate(hp, n):
    """``(F, I)`` for one chunk of starts, sized by the ``W_*`` slots of ``hp`` (module
    docstring); n × n matrices only when the method keeps some (at n = 10⁴ each is 800 MB).
    F is zeroed; I holds its header, the rest zero."""
    mem = max(1, int(hp[L.MEMORY]))
    nv = int(hp[L.W_VECTORS])
    nm = int(hp[L.W_MATRICES])
    p = n if nm > 0 else 0
    nt = int(hp[L.W_HISTORY])
    nq = int(hp[L.W_HISTORY_SCALARS])
    nf = int(hp[L.W_FLOATS])
    ni = int(hp[L.W_INTS])
    off_v = 4 * n
    off_m = off_v + nv * n
    off_t = off_m + max(1, nm) * p * p
    off_q = off_t + nt * mem * n
    off_f = off_q + nq * mem
    F = np.zeros(off_f + nf)
    I = np.zeros(OFF_INTS + ni + n, dtype=np.int64)
    I[H_N] = n
    I[H_MEMORY] = mem
    I[H_NV] = nv
    I[H_NM] = max(1, nm)
    I[H_P] = p
    I[H_NT] = nt
    I[H_NQ] = nq
    I[H_NF] = nf
    I[H_NI] = ni
    I[H_OFF_V] = off_v
    I[H_OFF_M] = off_m
    I[H_OFF_T] = off_t
    I[H_OFF_Q] = off_q
    I[H_OFF_F] = off_f
    I[H_OFF_PERM] = OFF_INTS + ni
    return F, I


@njit(**INLINE)
def unpack(F, I):
    """``(x, gx, xn, gn, W, cnt)``: the views of a workspace made by :func:`allocate` — the
    current point and gradient, the new point and gradient, the named state :data:`Work`
    and the evaluation counters (f, ∇f, ∇²f)."""
    n = I[H_N]
    mem = I[H_MEMORY]
    p = I[H_P]
    W = Work(
        carve(F, I[H_OFF_V], (I[H_NV], n)),
        carve(F, I[H_OFF_M], (I[H_NM], p, p)),
        carve(F, I[H_OFF_T], (I[H_NT], mem, n)),
        carve(F, I[H_OFF_Q], (I[H_NQ], mem)),
        carve(F, I[H_OFF_F], (I[H_NF],)),
        carve(I, OFF_INTS, (I[H_NI],)),
        carve(I, I[H_OFF_PERM], (n,)),
        as_uint64(carve(I, OFF_RNG, (1,))),
    )
    return (carve(F, 0, (n,)), carve(F, n, (n,)), carve(F, 2 * n, (n,)), carve(F, 3 * n, (n,)),
            W, carve(I, OFF_CNT, (3,)))
