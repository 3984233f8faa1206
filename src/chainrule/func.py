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


def _finish(x: Any) -> Any:
    if _DEPTH[0] > 1:
        return x
    if isinstance(x, Tensor):
        return x.detach()
    if isinstance(x, tuple):
        return tuple(_finish(v) for v in x)
    return x


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
                args[a] = _as_input(args[a])
            out = func(*args, **kwargs)
            out, aux = _split_aux(out, has_aux, "grad_and_value(f)(*args)")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe you "
                                   "wanted to use the vjp or jacrev APIs instead?")
            wrt = [args[a] for a in nums]
            grads = autograd.grad(out, wrt, create_graph=True, allow_unused=True,
                                  materialize_grads=True) if out.requires_grad else \
                tuple(t.detach() * 0 for t in wrt)
            g = grads[0] if isinstance(argnums, int) else tuple(grads)
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
        inputs = [_as_input(p) for p in primals]
        out = func(*inputs)
        out, aux = _split_aux(out, has_aux, "vjp(f, *primals)")
    level = _DEPTH[0] + 1

    def vjp_fn(*cotangents: Any) -> tuple:
        outs = out if isinstance(out, tuple) else (out,)
        cts = cotangents[0] if len(cotangents) == 1 and isinstance(cotangents[0], tuple) and \
            isinstance(out, tuple) else cotangents
        saved, _DEPTH[0] = _DEPTH[0], level
        try:
            gs = autograd.grad(outs, inputs, cts, retain_graph=True, create_graph=True,
                               allow_unused=True, materialize_grads=True)
            return tuple(_finish(g) for g in gs)
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

            def of_selected(*selected: Any) -> Any:
                full = list(args)
                for a, v in zip(nums, selected):
                    full[a] = v
                out = func(*full)
                out, aux = _split_aux(out, has_aux, "jacrev(f, ...)(*args)")
                aux_box.append(aux)
                return out

            jac = autograd.functional.jacobian(of_selected, tuple(args[a] for a in nums),
                                               create_graph=True)
            if isinstance(argnums, int):
                # one input: drop the per-input level (per output, when there are several)
                jac = jac[0] if isinstance(jac[0], Tensor) else tuple(j[0] for j in jac)
            result = _finish(jac)
            return (result, _finish(aux_box[0])) if has_aux else result

    return wrapper


def jacfwd(func: Callable, argnums: Any = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """A function giving the Jacobian of ``func`` with respect to ``argnums`` in forward mode:
    one pass with dual tensors per input element, each giving a column."""
    def wrapper(*args: Any) -> Any:
        from ._creation import zeros
        from ._ops.shape import stack
        from .autograd import forward_ad as fwAD

        nums = _argnums(argnums, len(args))
        blocks: list = []
        aux = None
        out_shapes = None
        for k in nums:
            x = args[k]
            columns = []
            for i in range(max(x.numel(), 1) if x.numel() else 0):
                tangent = zeros(x.numel(), dtype=x.dtype)
                tangent[i] = 1
                with fwAD.dual_level():
                    full = list(args)
                    full[k] = fwAD.make_dual(x, tangent.reshape(x.shape))
                    out = func(*full)
                    out, aux = _split_aux(out, has_aux, "jacfwd(f, ...)(*args)")
                    outs = out if isinstance(out, tuple) else (out,)
                    tangents = [fwAD.unpack_dual(o).tangent for o in outs]
                out_shapes = [tuple(o.shape) for o in outs]
                columns.append([t if t is not None else zeros(s, dtype=o.dtype)
                                for t, s, o in zip(tangents, out_shapes, outs)])
            per_output = []
            for j, shape in enumerate(out_shapes or []):
                # columns stacked last: d out[j] / d x has shape out.shape + x.shape
                col = stack([c[j].reshape(-1) for c in columns], -1)
                per_output.append(col.reshape(shape + tuple(x.shape)))
            blocks.append(per_output)
        single_out = out_shapes is not None and not isinstance(out, tuple)
        if isinstance(argnums, int):
            jac = blocks[0][0] if single_out else tuple(blocks[0])
        else:
            jac = tuple(b[0] for b in blocks) if single_out else tuple(
                tuple(b[j] for b in blocks) for j in range(len(out_shapes)))
        jac = _finish(jac) if _DEPTH[0] == 0 else jac
        return (jac, _finish(aux)) if has_aux else jac

    return wrapper


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
        return _vmap_call(func, in_dims, out_dims, randomness, args, kwargs)

    wrapped.__name__ = getattr(func, "__name__", "vmap")
    wrapped.__doc__ = getattr(func, "__doc__", None)
    return wrapped


def _vmap_call(func: Callable, in_dims: Any, out_dims: Any, randomness: str, args: tuple,
               kwargs: dict) -> Any:
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
    batching.install()
    level = batching._NEXT[0]
    batching._NEXT[0] += 1
    batching.LEVELS.append(level)
    batching.VIEWS[level] = {}
    batching.RANDOMNESS.append(randomness)
    forward_ad.VMAP[0] += 1
    forward_ad.ACTIVE[0] += 1
    try:
        it = iter(dims)

        def wrap(x: Any) -> Any:
            d = next(it)
            if d is None:
                return x
            p = x if d % x.dim() == 0 else x.movedim(d, 0)
            return batching.wrap(p, level)

        out = func(*_tree_map(wrap, args), **kwargs)
        return _unwrap(out, out_dims, level, size, name)
    finally:
        forward_ad.VMAP[0] -= 1
        forward_ad.ACTIVE[0] -= 1
        batching.RANDOMNESS.pop()
        batching.LEVELS.remove(level)
        del batching.VIEWS[level]


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


__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp", "vmap"]
