"""A cache-prefetch hint for the event kernel: `prefetch(a, i)` asks the CPU to bring the
element a[i] (the first element of row i of a 2-d array) into its caches without waiting for it
(LLVM's llvm.prefetch intrinsic: read, high temporal locality, data cache). A kernel that knows
which table row its next proposal will read can issue the load one proposal ahead: the tables of
the proposal cells are megabytes, every read of them a cache miss otherwise."""

from __future__ import annotations

from llvmlite import binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

#: LLVM >= 15 names the intrinsic by an opaque pointer type ("p0"), older ones by i8* ("p0i8").
_NAME = "llvm.prefetch.p0" if llvm.llvm_version_info >= (15,) else "llvm.prefetch.p0i8"


@intrinsic
def prefetch(typingctx, arr, i):
    """Hint: load a[i] (a[i, 0, ...] for more dimensions) into the caches; no effect on
    results, no bounds check (the address is only a hint: the CPU ignores a bad one)."""
    if not isinstance(arr, types.Array) or not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        aryty, _ = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        index = [context.cast(builder, args[1], signature.args[1], types.intp)]
        ptr = cgutils.get_item_pointer2(context, builder, ary.data, cgutils.unpack_tuple(
            builder, ary.shape), cgutils.unpack_tuple(builder, ary.strides), aryty.layout,
            index + [zero] * (aryty.ndim - 1), wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), _NAME)
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(arr, i), codegen
