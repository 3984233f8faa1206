"""``chainrule.func``: function transforms as ``torch.func`` (grad, grad_and_value, vjp, jvp,
jacrev, jacfwd, hessian), composable: ``grad(grad(f))`` is the second derivative.

Each transform differentiates with ``autograd.grad(create_graph=True)`` on leaves it makes
from its arguments, so an enclosing transform can differentiate the result again; only the
outermost one hands back plain tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import autograd
from ._tensor import Tensor
from .autograd._modes import refresh

# how many transforms are running, outermost first: results leave as plain tensors at depth 0
_DEPTH = [0]


def _argnums(argnums: Any, n: int) -> tuple:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(a)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _as_input(t: Any) -> Any:
    """A differentiable stand-in for an argument: the argument itself under an enclosing
    transform (so its graph connects), else a fresh leaf."""
    if not isinstance(t, Tensor):
        return t
    if t.requires_grad and _DEPTH[0] > 1:
        return t * 1
    return t.detach().requires_grad_()


def _check_tensor(t: Any) -> Any:
    if not isinstance(t, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
    return t


def _finish(x: Any) -> Any:
    if _DEPTH[0] > 1:
        return x
    return _tree_map(lambda v: v.detach() if isinstance(v, Tensor) else v, x)


def _diff_input(t: Any) -> Any:
    """A leaf of a differentiated argument (a tensor, or a dict/list/tuple of them)."""
    if not isinstance(t, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
    return _as_input(t)


def _unflatten(tree: Any, leaves: Any) -> Any:
    """``tree``'s structure with ``leaves`` in place of its leaves, in order."""
    it = iter(leaves)
    return _tree_map(lambda _: next(it), tree)


def _tree_str(tree: Any) -> str:
    """A pytree's structure as torch's error messages write it (``{'a': *, 'c': (*,)}``)."""
    if isinstance(tree, tuple):
        inner = ", ".join(_tree_str(v) for v in tree)
        return f"({inner},)" if len(tree) == 1 else f"({inner})"
    if isinstance(tree, list):
        return "[" + ", ".join(_tree_str(v) for v in tree) + "]"
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {_tree_str(v)}" for k, v in tree.items()) + "}"
    return "*"


class _Level:
    def __enter__(self) -> None:
        _DEPTH[0] += 1

    def __exit__(self, *exc: object) -> None:
        _DEPTH[0] -= 1


def _split_aux(out: Any, has_aux: bool, where: str) -> tuple:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return out


def grad_and_value(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """A function giving (gradient of ``func`` with respect to ``argnums``, value).

    >>> import chainrule as torch
    >>> torch.func.grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1., 2.]))
    (tensor([2., 4.]), tensor(5.))
    """
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _Level():
            nums = _argnums(argnums, len(args))
            args = list(args)
            for a in nums:
                args[a] = _tree_map(_diff_input, args[a])
            out = func(*args, **kwargs)
            out, aux = _split_aux(out, has_aux, "grad_and_value(f)(*args)")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe you "
                                   "wanted to use the vjp or jacrev APIs instead?")
            trees = [args[a] for a in nums]
            wrt = [leaf for t in trees for leaf in _tree_leaves(t)]
            grads = autograd.grad(out, wrt, create_graph=True, allow_unused=True,
                                  materialize_grads=True) if out.requires_grad else \
                tuple(t.detach() * 0 for t in wrt)
            it = iter(grads)
            per_arg = [_tree_map(lambda _, it=it: next(it), t) for t in trees]
            g = per_arg[0] if isinstance(argnums, int) else tuple(per_arg)
            result = (_finish(g), _finish(out))
            return (result, _finish(aux)) if has_aux else result

    return wrapper


def grad(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """A function giving the gradient of the scalar ``func`` with respect to ``argnums``.

    >>> import chainrule as torch
    >>> torch.func.grad(torch.func.grad(lambda x: x ** 3))(torch.tensor(2.))
    tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = gv(*args, **kwargs)
        if has_aux:
            (g, _), aux = result
            return g, aux
        return result[0]

    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """(func(*primals), vjp_fn): ``vjp_fn(cotangents)`` gives the vector-Jacobian products,
    one per primal, as many times as it is called."""
    with _Level():
        inputs = [_tree_map(_diff_input, p) for p in primals]
        out = func(*inputs)
        out, aux = _split_aux(out, has_aux, "vjp(f, *primals)")
    level = _DEPTH[0] + 1
    flat_inputs = [leaf for p in inputs for leaf in _tree_leaves(p)]

    def vjp_fn(*cotangents: Any) -> tuple:
        cts = cotangents[0] if len(cotangents) == 1 else cotangents
        if _tree_str(cts) != _tree_str(out):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                               "structure of outputs to the function. cotangents: "
                               f"{_tree_str(cts)}, primal output: {_tree_str(out)}")
        saved, _DEPTH[0] = _DEPTH[0], level
        try:
            gs = autograd.grad(_tree_leaves(out), flat_inputs, _tree_leaves(cts),
                               retain_graph=True, create_graph=True, allow_unused=True,
                               materialize_grads=True)
            it = iter(gs)
            return tuple(_finish(_tree_map(lambda _, it=it: next(it), p)) for p in inputs)
        finally:
            _DEPTH[0] = saved

    result = (_finish(out), vjp_fn)
    return result + (_finish(aux),) if has_aux else result


def jvp(func: Callable, primals: tuple, tangents: tuple, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """(func(*primals), J tangents), by the double-backward trick."""
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. "
                           "it should be valid to call f(*primals).")
    if len(primals) != len(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same length but got primals with length "
                           f"{len(primals)} and tangents with length {len(tangents)}")
    aux_box: list = []

    def plain(*args: Any) -> Any:
        out = func(*args)
        out, aux = _split_aux(out, has_aux, "jvp(f, primals, tangents)")
        aux_box.append(aux)
        return out

    with _Level():
        out, tangent_out = autograd.functional.jvp(plain, primals, tangents,
                                                   create_graph=_DEPTH[0] > 1)
    result = (_finish(out), _finish(tangent_out))
    return result + (_finish(aux_box[0]),) if has_aux else result


def jacrev(func: Callable, argnums: Any = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable:
    """A function giving the Jacobian of ``func`` with respect to ``argnums`` (reverse mode:
    one backward pass per output element)."""
    def wrapper(*args: Any) -> Any:
        with _Level():
            nums = _argnums(argnums, len(args))
            aux_box: list = []
            out_box: list = []
            trees = [args[a] for a in nums]
            for t in trees:
                _tree_map(_check_tensor, t)
            sizes = [len(_tree_leaves(t)) for t in trees]

            def of_leaves(*leaves: Any) -> tuple:
                # the selected arguments rebuilt from their leaves; the outputs' leaves
                full, off = list(args), 0
                for a, t, n in zip(nums, trees, sizes):
                    full[a] = _unflatten(t, leaves[off:off + n])
                    off += n
                out = func(*full)
                out, aux = _split_aux(out, has_aux, "jacrev(f, ...)(*args)")
                aux_box.append(aux)
                out_box.append(out)
                return tuple(_tree_leaves(out))

            leaves = tuple(leaf for t in trees for leaf in _tree_leaves(t))
            jac = autograd.functional.jacobian(of_leaves, leaves, create_graph=True)
            per_out = []
            for row in jac:  # one output leaf: its Jacobian per argument, in their structures
                blocks, off = [], 0
                for t, n in zip(trees, sizes):
                    blocks.append(_unflatten(t, row[off:off + n]))
                    off += n
                per_out.append(blocks[0] if isinstance(argnums, int) else tuple(blocks))
            result = _finish(_unflatten(out_box[0], per_out))
            return (result, _finish(aux_box[0])) if has_aux else result

    return wrapper


def jacfwd(func: Callable, argnums: Any = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """A function giving the Jacobian of ``func`` with respect to ``argnums`` in forward mode,
    as torch.func builds it: ``vmap`` of ``jvp`` over the rows of an identity (every input
    element's tangent at once), the tangents stacked last.

    >>> import chainrule as torch
    >>> torch.func.jacfwd(lambda x: x ** 2)(torch.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    def wrapper(*args: Any) -> Any:
        from ._creation import eye

        nums = _argnums(argnums, len(args))
        primals = tuple(args[k] for k in nums)
        sizes = [p.numel() for p in primals]
        total = sum(sizes)

        def of_selected(*selected: Any) -> Any:
            full = list(args)
            for k, v in zip(nums, selected):
                full[k] = v
            return func(*full)

        def push(*tangents: Any) -> Any:
            res = jvp(of_selected, primals, tangents, has_aux=has_aux)
            return (res[1], res[2]) if has_aux else res[1]

        if total == 0:
            return _jacfwd_empty(of_selected, primals, argnums, has_aux)
        basis = eye(total, dtype=primals[0].dtype)
        tangents, off = [], 0
        for p, n in zip(primals, sizes):
            tangents.append(basis[:, off:off + n].reshape((total,) + tuple(p.shape)))
            off += n
        with _Level():
            pushed = vmap(push, out_dims=(0, None) if has_aux else 0,
                          randomness=randomness)(*tangents)
        columns, aux = pushed if has_aux else (pushed, None)
        single_out = not isinstance(columns, tuple)
        outs = (columns,) if single_out else columns
        blocks = []
        for col in outs:
            per_arg, off = [], 0
            out_shape = tuple(col.shape[1:])
            for p, n in zip(primals, sizes):
                # rows off..off+n are d out / d p's elements: moved last, shaped as p
                part = col[off:off + n]
                part = part.reshape((n, -1)).movedim(0, -1) if out_shape else part
                per_arg.append(part.reshape(out_shape + tuple(p.shape)))
                off += n
            blocks.append(per_arg)
        if isinstance(argnums, int):
            jac = blocks[0][0] if single_out else tuple(b[0] for b in blocks)
        else:
            jac = tuple(blocks[0]) if single_out else tuple(tuple(b) for b in blocks)
        jac = _finish(jac) if _DEPTH[0] == 0 else jac
        return (jac, _finish(aux)) if has_aux else jac

    return wrapper


def _jacfwd_empty(f: Callable, primals: tuple, argnums: Any, has_aux: bool) -> Any:
    """jacfwd when every selected input is empty: zeros of out.shape + input.shape."""
    from ._creation import zeros

    out = f(*primals)
    out, aux = _split_aux(out, has_aux, "jacfwd(f, ...)(*args)")
    outs = out if isinstance(out, tuple) else (out,)
    blocks = [[zeros(tuple(o.shape) + tuple(p.shape), dtype=o.dtype) for p in primals]
              for o in outs]
    single = not isinstance(out, tuple)
    if isinstance(argnums, int):
        jac = blocks[0][0] if single else tuple(b[0] for b in blocks)
    else:
        jac = tuple(blocks[0]) if single else tuple(tuple(b) for b in blocks)
    return (_finish(jac), _finish(aux)) if has_aux else _finish(jac)


def hessian(func: Callable, argnums: Any = 0) -> Callable:
    """The Hessian of the scalar ``func``: the Jacobian of its gradient (reverse over
    reverse: the same values as torch.func's forward over reverse, with one backward pass
    per row instead of a full reverse Jacobian per column).

    >>> import chainrule as torch
    >>> torch.func.hessian(lambda x: (x ** 3).sum())(torch.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacrev(jacrev(func, argnums), argnums)


# ---- vmap -------------------------------------------------------------------------------------

def _fname(func: Any) -> str:
    return getattr(func, "__name__", None) or repr(func)


def _tree_leaves(tree: Any) -> list:
    if isinstance(tree, (tuple, list)):
        return [leaf for v in tree for leaf in _tree_leaves(v)]
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in _tree_leaves(v)]
    return [tree]


def _tree_map(f: Callable, tree: Any) -> Any:
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*[_tree_map(f, v) for v in tree])
    if isinstance(tree, (tuple, list)):
        return type(tree)(_tree_map(f, v) for v in tree)
    if isinstance(tree, dict):
        return {k: _tree_map(f, v) for k, v in tree.items()}
    return f(tree)


_SEP = ",\n  "


def _spec(tree: Any) -> str:
    """torch's TreeSpec text of a pytree's structure (for the structure errors)."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        kind = "tuple" if isinstance(tree, tuple) else "list"
        parts = [_spec(v) for v in tree]
        return f"TreeSpec({kind}, None, [{_SEP.join(parts)}])"
    if isinstance(tree, dict):
        parts = [_spec(v) for v in tree.values()]
        return f"TreeSpec(dict, {list(tree)}, [{_SEP.join(parts)}])"
    return "*"


def _broadcast_dims(dims: Any, tree: Any) -> list | None:
    """The dims of ``tree``'s leaves: an int or None applies to a whole subtree; a tuple,
    list or dict must match the structure. None when they do not match."""
    if dims is None or isinstance(dims, int):
        return [dims] * len(_tree_leaves(tree))
    if isinstance(dims, (tuple, list)) and isinstance(tree, (tuple, list)):
        if len(dims) != len(tree):
            return None
        out: list = []
        for d, t in zip(dims, tree):
            sub = _broadcast_dims(d, t)
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(dims, dict) and isinstance(tree, dict):
        if set(dims) != set(tree):
            return None
        out = []
        for k in tree:
            sub = _broadcast_dims(dims[k], tree[k])
            if sub is None:
                return None
            out += sub
        return out
    return None


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``func`` mapped over a dim of its inputs: batched array operations, not a loop.

    >>> import chainrule as torch
    >>> torch.func.vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2))
    tensor([2., 2., 2.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0) \
            and chunk_size != -1:
        raise ValueError("vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return _vmap_call(func, in_dims, out_dims, randomness, args, kwargs, chunk_size)

    wrapped.__name__ = getattr(func, "__name__", "vmap")
    wrapped.__doc__ = getattr(func, "__doc__", None)
    return wrapped


def _vmap_call(func: Callable, in_dims: Any, out_dims: Any, randomness: str, args: tuple,
               kwargs: dict, chunk_size: int | None = None) -> Any:
    from ._ops import batching
    from .autograd import forward_ad

    name = _fname(func)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` "
                         "to be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. "
                         "The latter is unsupported.")
    dims = _broadcast_dims(in_dims, args)
    if dims is None:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                         "compatible with the structure of `inputs`. in_dims has structure "
                         f"{_spec(in_dims)} but inputs has structure {_spec(args)}.")
    leaves = _tree_leaves(args)
    size = None
    sizes = []
    for x, d in zip(leaves, dims):
        if d is None:
            continue
        if not isinstance(d, int):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims must "
                             f"be int or None, got {type(d)}")
        if not isinstance(x, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(x)}. We cannot vmap "
                             "over non-Tensor arguments, please use None as the respective "
                             "in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for some input, but that input is a Tensor of dimensionality {n} "
                             f"so expected in_dim to satisfy -{n} <= in_dim < {n}.")
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input "
                         "must be batched (have a non-None in_dim) or be a Tensor with a "
                         "batched dim")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    size = sizes[0]
    if chunk_size is not None and 0 < chunk_size < size:
        return _chunked(func, in_dims, out_dims, randomness, args, kwargs, dims, size,
                        chunk_size)
    batching.install()
    level = batching._NEXT[0]
    batching._NEXT[0] += 1
    batching.LEVELS.append(level)
    batching.VIEWS[level] = {}
    batching.BDIMS[level] = {}
    batching.RANDOMNESS.append(randomness)
    batching.SIZES.append(size)
    forward_ad.VMAP[0] += 1
    forward_ad.ACTIVE[0] += 1
    refresh()
    try:
        it = iter(dims)

        def wrap(x: Any) -> Any:
            d = next(it)
            if d is None:
                return x
            p = x if d % x.dim() == 0 else x.movedim(d, 0)
            out = batching.wrap(p, level)
            if d % x.dim():
                batching.BDIMS[level][id(out._data)] = d % x.dim()
            return out

        out = func(*_tree_map(wrap, args), **kwargs)
        return _unwrap(out, out_dims, level, size, name)
    finally:
        forward_ad.VMAP[0] -= 1
        forward_ad.ACTIVE[0] -= 1
        refresh()
        batching.RANDOMNESS.pop()
        batching.SIZES.pop()
        batching.LEVELS.remove(level)
        del batching.VIEWS[level]
        del batching.BDIMS[level]


def _chunked(func: Callable, in_dims: Any, out_dims: Any, randomness: str, args: tuple,
             kwargs: dict, dims: list, size: int, chunk_size: int) -> Any:
    """vmap over ``chunk_size`` samples at a time, the outputs concatenated along their
    out_dims (torch's chunk_size)."""
    from ._ops.shape import cat

    results = []
    for start in range(0, size, chunk_size):
        n = min(chunk_size, size - start)
        it = iter(dims)

        def cut(x: Any, start: int = start, n: int = n, it: Any = it) -> Any:
            d = next(it)
            return x if d is None else x.narrow(d, start, n)

        results.append(_vmap_call(func, in_dims, out_dims, randomness,
                                  _tree_map(cut, args), kwargs))
    out_leaf_dims = _broadcast_dims(out_dims, results[0])
    flat = [_tree_leaves(r) for r in results]
    joined = []
    for k, d in enumerate(out_leaf_dims):
        if d is None:
            raise TypeError("cat(): argument 'dim' must be int, not NoneType")
        joined.append(cat([f[k] for f in flat], d))
    it = iter(joined)
    return _tree_map(lambda _: next(it), results[0])


def _unwrap(out: Any, out_dims: Any, level: int, size: int, name: str) -> Any:
    from ._ops import batching

    leaves = _tree_leaves(out)
    dims = _broadcast_dims(out_dims, out)
    if dims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{_spec(out_dims)} but outputs has structure {_spec(out)}.")
    for x, d in zip(leaves, dims):
        if not isinstance(x, Tensor) and d is not None:
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(x)}. Did you mean to set out_dims= to None for output?")
    it = iter(dims)

    def unwrap(x: Any) -> Any:
        d = next(it)
        if not isinstance(x, Tensor):
            return x
        p = batching.physical(x, level)
        if d is None:
            if p is not None:
                raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): Can not return a "
                                 "BatchedTensor when out_dim is None")
            return x
        if p is None:
            p = x.unsqueeze(0).expand((size,) + tuple(x.shape))
        n = p.dim()
        if not -n <= d < n:
            from ._tensor import _dim

            _dim(d, n)
        return p if d % n == 0 else p.movedim(0, d)

    return _tree_map(unwrap, out)


__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp",
           "vmap"]

from .nn.utils.stateless import func_functional_call as functional_call  # noqa: E402
