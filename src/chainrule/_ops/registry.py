"""How an op entry becomes a call and a graph node. Mechanism only: names no concrete op.

An entry (see ``derivatives.py``) declares a forward on raw arrays and one backward formula per
differentiable input. A formula's parameter names say what it needs, and so what a node saves:

- an input's name (``self``, ``other``, ...): that input, saved (a tensor, or a Python number)
- ``result``: the op's output, saved
- a non-tensor argument of the forward (``dim``, ``alpha``, ...): kept as given
- ``<input>_shape``: only that input's shape

Every formula is ``f(F, grad, *needs)``. ``F`` is the function namespace: NumPy for a plain
backward, the Tensor ops under ``create_graph=True`` (so the backward pass records its own graph).
"""

from __future__ import annotations

import builtins
import linecache
from collections.abc import Callable
from heapq import heappush
from typing import Any

from .._backend import generic, ndarray, np
from .._dtypes import DEFAULT, category, int_scalar, result_type, wrapped_int
from ..autograd._modes import SPECIAL
from ..autograd.anomaly_mode import STATE as anomaly
from ..autograd.anomaly_mode import remember_forward
from ..autograd.forward_ad import ACTIVE as forward_ad
from ..autograd.forward_ad import propagate
from ..autograd.grad_mode import INFERENCE_ACTIVE as inference
from ..autograd.grad_mode import _state
from ..autograd.graph import (
    FREED_MSG,
    AccumulateGrad,
    Node,
    _sequence,
    apply_saved_hooks,
    grad_accumulator,
)
from ..autograd.graph import SAVED_HOOKS_ACTIVE as saved_hooks


def _to_buffer(i: int, queue: bool) -> list:
    """Generated lines that add gradient ``g{i}`` to the buffer of node ``nxt`` (slot
    ``slot``): a list per node, one slot per output, summed on arrival; with ``queue``, the
    first gradient to reach a node also queues it."""
    return ["        buf = buffers.get(nxt)",
            "        if buf is None:",
            *(["            push(queue, (-nxt._seq, nxt))"] if queue else []),
            "            if nxt._n_out == 1:",
            f"                buffers[nxt] = [g{i}]",
            "            else:",
            "                buf = buffers[nxt] = [None] * nxt._n_out",
            f"                buf[slot] = g{i}",
            "        elif buf[slot] is None:",
            f"            buf[slot] = g{i}",
            "        else:",
            f"            buf[slot] = sum_into(buf[slot], g{i})"]


def _compile(cls_name: str, saved: tuple, formulas: tuple, n_args: int, mask: int,
             multi: bool = False) -> tuple:
    """The plain (NumPy) backward of one node class, as straight-line code: unpack what the
    formulas need, evaluate each (its lambda's body inlined where its source can be read),
    undo broadcasting and restore the input's dtype. Generated once per class because it runs
    for every node of every backward; the class's ``_source`` shows it.

    Three functions share that body: ``_apply`` returns the inputs' gradients (the node
    protocol); ``_run`` and ``_run_fast``, for the engine's two schedules, also free what the
    node saved and hand each gradient to the node it flows to, unrolled per input.
    """
    from ..autograd.engine import IN_PLACE_MIN, arrive, mul_grad, neg_grad, owned, sum_into

    n_saved = len(saved)
    first = "grads" if multi else "grads[0]"
    body = [f"    grad = {first}"]
    needs = sorted({k for spec in formulas if spec for k in spec[1]})
    if needs and needs[0] < n_saved:
        body += ["    s = self._saved", "    if s is None:",
                 "        raise RuntimeError(FREED_MSG)"]
    if any(k >= n_saved + n_args for k in needs):
        body.append("    m = self._meta")
    if any(n_saved <= k < n_saved + n_args for k in needs):
        body.append("    a = self._args")
    names = {}
    for k in needs:
        if k < n_saved:
            names[k] = f"v{k}"
            body += [f"    v{k} = s[{k}]", f"    if isinstance(v{k}, Tensor):",
                     f"        if v{k}._aux is not None:",
                     f"            check_version(self, {k}, v{k})",
                     f"        v{k} = v{k}._data"]
        elif k < n_saved + n_args:
            names[k] = f"a[{k - n_saved}]"
        else:
            names[k] = f"m[{2 * (k - n_saved - n_args)}]"
    body.append("    meta = self._meta")
    fast_body = list(body)
    env: dict = {}
    outs = []
    exprs = {}
    for i, spec in enumerate(formulas):
        if spec is not None:
            f, idx = spec
            params = ["F", "grads" if multi else "grad", *(names[k] for k in idx)]
            exprs[i] = _inline(f, params, env, f"f{i}")
            if exprs[i] is None:
                env[f"f{i}"] = f
                exprs[i] = f"f{i}({', '.join(params)})"
    # The fast path's formulas multiply or negate a large gradient through mul_grad and
    # neg_grad, and the last formula that reads it may write into it when the engine alone
    # holds it (owned): no new array per step of a long elementwise chain.
    last = max((i for i, spec in enumerate(formulas) if spec is not None and
                _reads_grad(spec[0])), default=None)
    sized = False
    for i, spec in enumerate(formulas):
        if spec is None:
            outs.append("None")
            continue
        tail = [f"    if g{i} is not None:",
                f"        if g{i}.shape != meta[{2 * i}]:",
                f"            g{i} = sum_to(g{i}, meta[{2 * i}])",
                f"        if g{i}.dtype is not meta[{2 * i + 1}]:",
                f"            g{i} = g{i}.astype(meta[{2 * i + 1}])"]
        body += [f"    g{i} = {exprs[i]}", *tail]
        large = None if multi else _inline(spec[0], ["F", "grad", *(names[k] for k in spec[1])],
                                           env, f"f{i}", own="own" if i == last else "False")
        if large is None:
            fast_body += [f"    g{i} = {exprs[i]}", *tail]
        else:
            if not sized:  # once per node, before its first such formula
                fast_body.append(
                    "    large = grad.__class__ is ndarray and grad.size >= IN_PLACE_MIN[0]")
                sized = True
            fast_body += ["    if large:",
                          *(["        own = owned(grad)"] if i == last else []),
                          f"        g{i} = {large}",
                          "    else:",
                          f"        g{i} = {exprs[i]}", *tail]
        outs.append(f"g{i}")
    apply = ["def _apply(self, grads, create_graph):",
             "    if create_graph:",
             f"        return self._apply_recorded({first})",
             *body,
             f"    return [{', '.join(outs)}]"]
    run = ["def _run(self, grads, buffers, acc_deps, keep):", *body,
           "    if not keep:", "        self._saved = None",
           "    nf = self.next_functions"]
    head = len(run)
    for i, spec in enumerate(formulas):
        if not mask >> i & 1:
            continue  # no edge
        if spec is None:  # an edge that gets no gradient still counts as arrived
            run += [f"    nxt = nf[{i}][0]",
                    "    if nxt.__class__ is AccumulateGrad:",
                    "        arrive(nxt, buffers, acc_deps)"]
            continue
        # as the engine's buffers: a list per node, one slot per output, summed on arrival;
        # the local is dropped before AccumulateGrad may keep the array (see accumulate)
        run += [f"    nxt, slot = nf[{i}]",
                f"    if g{i} is not None:",
                *_to_buffer(i, queue=False),
                f"        g{i} = None",
                "    if nxt.__class__ is AccumulateGrad:",
                "        arrive(nxt, buffers, acc_deps)"]
    fast = ["def _run_fast(self, grads, buffers, queue, keep):", *fast_body,
            *run[1 + len(body):head]]
    for i, spec in enumerate(formulas):
        if spec is None or not mask >> i & 1:
            continue
        # the first gradient to reach a node queues it (an AccumulateGrad too, below all)
        fast += [f"    if g{i} is not None:",
                 f"        nxt, slot = nf[{i}]",
                 *_to_buffer(i, queue=True),
                 "    else:",  # no gradient: the node still runs (and frees), as in torch
                 f"        nxt = nf[{i}][0]",
                 "        if nxt not in buffers:",
                 "            buffers[nxt] = [None] * nxt._n_out",
                 "            push(queue, (-nxt._seq, nxt))"]
    source = "\n\n\n".join("\n".join(f) for f in (apply, run, fast))
    env.update(F=NUMPY, FREED_MSG=FREED_MSG, sum_to=sum_to, RuntimeError=RuntimeError,
               isinstance=isinstance, Tensor=Tensor, check_version=check_version,
               AccumulateGrad=AccumulateGrad, arrive=arrive, push=heappush, sum_into=sum_into,
               ndarray=ndarray, IN_PLACE_MIN=IN_PLACE_MIN, owned=owned, mul_grad=mul_grad,
               neg_grad=neg_grad,
               __name__=__name__)  # NumPy's warnings are filtered by module (see __init__)
    _GENERATED.append(env)
    exec(compile(source, f"<{cls_name}._apply>", "exec"), env)  # noqa: S102 - our own source
    return source, env["_apply"], env["_run"], env["_run_fast"]


def _lambda_body(code: Any) -> Any:
    """The body of the lambda compiled to ``code``, parsed from the source span its
    instructions cover; None where that can't be read, or where the text read does not
    compile to the very same bytecode (so what is inlined is exactly what would run)."""
    import ast  # here, not at import: node classes are built on first use
    if not hasattr(code, "co_positions"):  # Python 3.10: no columns
        return None
    # (RESUME and the like carry an empty span)
    spans = [p for p in code.co_positions() if p[0] is not None and p[2] is not None and
             (p[0], p[2]) != (p[1], p[3])]
    lines = linecache.getlines(code.co_filename)
    if not spans or not lines:
        return None
    line, col = min((p[0], p[2]) for p in spans)
    end_line, end_col = max((p[1], p[3]) for p in spans)
    text = lines[line - 1:end_line]
    if not text:
        return None
    text[-1] = text[-1][:end_col]  # bytes and characters agree: the table is ASCII
    text[0] = text[0][col:]
    params = ", ".join(code.co_varnames[:code.co_argcount])
    try:
        expr = ast.parse(f"({''.join(text)})", mode="eval").body
        module = compile(f"lambda {params}: ({''.join(text)})", "<inline>", "eval")
    except SyntaxError:
        return None
    again = next((c for c in module.co_consts if hasattr(c, "co_code")), None)
    return expr if again is not None and _ops(again) == _ops(code) else None


def _ops(code: Any) -> list:
    """What a code object does, as (operation, argument) pairs; a method call reads the same
    compiled either way the compiler picks (``LOAD_METHOD`` or ``LOAD_ATTR``)."""
    import dis
    return [("LOAD_ATTR" if i.opname == "LOAD_METHOD" else i.opname,
             i.argval if isinstance(i.argval, (str, int, float, tuple, type(None))) else None)
            for i in dis.get_instructions(code) if i.opname not in ("PRECALL", "CACHE")]


def _formula_body(f: Callable, n_params: int) -> Any:
    """The body of the formula lambda ``f`` (an expression tree), or None where it can't be
    inlined safely (no source, a closure, defaults, a scope of its own inside)."""
    code = getattr(f, "__code__", None)
    if code is None or code.co_name != "<lambda>" or code.co_freevars or f.__defaults__ or \
            f.__kwdefaults__ or code.co_argcount != n_params:
        return None
    import ast

    body = _lambda_body(code)
    scopes = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
              ast.NamedExpr)
    if body is None or any(isinstance(n, scopes) for n in ast.walk(body)):
        return None
    return body


def _reads_grad(f: Callable) -> bool:
    """Whether formula ``f`` reads its incoming gradient (its second parameter); True where
    its body can't be read."""
    import ast

    code = getattr(f, "__code__", None)
    body = None if code is None else _formula_body(f, code.co_argcount)
    return body is None or any(isinstance(n, ast.Name) and n.id == code.co_varnames[1]
                               for n in ast.walk(body))


def _grad_in_place(body: Any, grad: str, own: str) -> Any:
    """``body`` with its one use of ``grad`` as a factor (``grad * x``, ``x * grad``) or a
    negation (``-grad``) made a call of ``mul_grad``/``neg_grad``, which may write into the
    gradient when ``own``; None where grad is used otherwise, or more than once."""
    import ast

    uses = [(parent, child) for parent in ast.walk(body) for child in ast.iter_child_nodes(parent)
            if isinstance(child, ast.Name) and child.id == grad]
    if len(uses) != 1:
        return None
    parent = uses[0][0]
    g, flag = ast.Name(grad, ast.Load()), ast.Name(own, ast.Load())
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mult):
        other = parent.right if parent.left is uses[0][1] else parent.left
        call = ast.Call(ast.Name("mul_grad", ast.Load()), [g, other, flag], [])
    elif isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.USub):
        call = ast.Call(ast.Name("neg_grad", ast.Load()), [g, flag], [])
    else:
        return None

    class Swap(ast.NodeTransformer):
        def visit(self, n: Any) -> Any:
            return ast.copy_location(call, n) if n is parent else self.generic_visit(n)

    return Swap().visit(body)


def _inline(f: Callable, params: list, env: dict, tag: str, own: str | None = None) -> str | None:
    """The body of the lambda ``f`` as an expression in which its parameters are ``params``
    (source texts), its global names bound into ``env``; None where that can't be done
    safely (see _formula_body). Inlining saves a call per formula per node. With ``own`` (the
    text of a flag), the gradient's use goes through ``mul_grad``/``neg_grad`` (see
    _grad_in_place), and None is returned where it can't."""
    import ast

    body = _formula_body(f, len(params))
    if body is None:
        return None
    code = f.__code__
    mapping = dict(zip(code.co_varnames[:code.co_argcount], params))
    if own is not None:
        body = _grad_in_place(body, code.co_varnames[1], own)
        if body is None:
            return None
        mapping.update({name: name for name in ("mul_grad", "neg_grad", own)})
    names: dict = {}
    for n in ast.walk(body):
        if isinstance(n, ast.Name) and n.id not in mapping and n.id not in names:
            if n.id in f.__globals__:
                names[n.id] = f.__globals__[n.id]
            elif hasattr(builtins, n.id):
                names[n.id] = getattr(builtins, n.id)
            else:
                return None

    class Rename(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> Any:
            text = mapping.get(n.id) or f"{tag}_{n.id}"
            return ast.copy_location(ast.parse(text, mode="eval").body, n)

    body = Rename().visit(body)
    for name, value in names.items():
        env[f"{tag}_{name}"] = value
    return f"({ast.unparse(body)})"


# the namespaces of generated code, given the Tensor class once it exists
_GENERATED: list = []


def bind_tensor(tensor_cls: type, make: Any, mark: Any) -> None:
    global Tensor, _plain_tensor, mark_inference
    Tensor = tensor_cls
    _plain_tensor = make
    mark_inference = mark
    for env in _GENERATED:
        env["Tensor"] = tensor_cls


def _aux_of(t: Any) -> Any:
    return getattr(t, "_aux", None)


INFERENCE_SAVED_MSG = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)


def version_of(t: Any) -> int:
    aux = getattr(t, "_aux", None)
    if aux is None:
        return 0
    if aux.inference:
        raise RuntimeError(INFERENCE_SAVED_MSG)
    return aux.version[0]


def check_version(node: Any, k: int, t: Any) -> None:
    """torch's error when a saved tensor changed in place after it was saved."""
    expected = node._versions[k] if node._versions else 0
    now = version_of(t)
    if now != expected:
        raise RuntimeError(modified_message(t, now, expected))


_TENSOR_TYPES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                 "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
                 "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
                 "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor"}


def modified_message(t: Any, now: int, expected: int, fn: Any = None, output_nr: int = 0) -> str:
    """torch's text; ``fn`` is the node that made the saved value (the tensor's current node
    when not given)."""
    data = t._data
    kind = f"[torch.{_TENSOR_TYPES.get(data.dtype.name, 'Tensor')} {list(data.shape)}]"
    if fn is None:
        fn, output_nr = t._grad_fn, t._output_nr
    if fn is None:
        where = ""
    else:
        # torch names the forward op: "Backward" dropped, and an overload number other than
        # 0 kept (ExpBackward0 is Exp, ClampBackward1 Clamp1)
        name = type(fn).__name__
        stem, found, number = name.rpartition("Backward")
        if found and (number == "" or number.isdigit()):
            name = stem + ("" if number == "0" else number)
        where = f", which is output {output_nr} of {name},"
    return (f"one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {kind}{where} is at version {now}; expected version {expected} "
            "instead. Hint: enable anomaly detection to find the operation that failed to "
            "compute its gradient, with torch.autograd.set_detect_anomaly(True, "
            "check_nan=False).")


def _params(f: Callable) -> list:
    """A function's positional parameter names, read from its code object."""
    code = f.__code__
    return list(code.co_varnames[:code.co_argcount])


class Entry:
    """One op of the table.

    ``outputs`` names what the forward returns (a tuple when there are several); formulas may
    ask for any of them by name. The first ``n_diff`` outputs are differentiable (``"all"``:
    as many as the forward returns, as for ``split``); their formulas take ``grads``, the list
    of the outputs' gradients (``None`` where none flowed), instead of ``grad``. A ``variadic``
    op takes a list of tensors as its first input and has one formula for the whole list,
    returning one gradient per tensor (``cat``, ``stack``).
    """

    __slots__ = ("node_name", "forward", "inputs", "args", "formulas", "node_classes", "fw",
                 "to_float", "outputs", "n_diff", "variadic", "view")

    def __init__(self, node_name: str, forward: Callable, formulas: dict, fw: Any,
                 dtype_rule: str, n_inputs: int | None, outputs: tuple = ("result",),
                 n_diff: int | str = 1, variadic: bool = False, view: bool = False) -> None:
        params = list(_params(forward))
        n = n_inputs if n_inputs is not None else len(formulas)
        self.inputs = tuple(params[:n])
        self.args = tuple(params[n:])
        unknown = set(formulas) - set(self.inputs)
        assert not unknown, f"{node_name}: formulas for non-inputs {unknown}"
        assert dtype_rule in ("promote", "float"), dtype_rule
        assert not variadic or n == 1, f"{node_name}: a variadic op has one (list) input"
        self.node_name = node_name
        self.forward = forward
        self.formulas = formulas
        self.fw = fw
        self.to_float = dtype_rule == "float"
        self.outputs = tuple(outputs)
        self.n_diff = n_diff
        self.variadic = variadic
        self.view = view
        # one class per set of inputs that need grad (a bit mask): each saves only what its
        # formulas need and has its own generated backward; all carry torch's name. Built on
        # first use (node_class), which keeps import fast.
        self.node_classes: list = [None] * (2 if variadic else 1 << len(self.inputs))
        for f in formulas.values():  # check formula signatures now rather than at first use
            first = _params(f)[:2]
            assert first == ["F", "grad" if n_diff == 1 else "grads"], \
                f"{node_name}: a formula starts (F, {'grad' if n_diff == 1 else 'grads'})"

    def node_class(self, mask: int) -> type:
        """The node class for a mask of inputs that need grad, built on first use."""
        cls = self.node_classes[mask]
        if cls is None:
            cls = self.node_classes[mask] = self._node_class(mask)
        return cls

    def _node_class(self, mask: int) -> type:
        grad_name = "grad" if self.n_diff == 1 else "grads"
        saved: list[int] = []
        specs: list = []
        for i, name in enumerate(self.inputs):
            f = self.formulas.get(name)
            if f is None or not mask >> i & 1:
                specs.append(None)
                continue
            names = _params(f)
            assert names[:2] == ["F", grad_name], \
                f"{self.node_name}: formula must start (F, {grad_name})"
            sources = []
            for need in names[2:]:
                if need in self.inputs or need in self.outputs:
                    # inputs by position, outputs as -1, -2, ...
                    j = self.inputs.index(need) if need in self.inputs else \
                        -1 - self.outputs.index(need)
                    if j not in saved:
                        saved.append(j)
                    sources.append(("saved", saved.index(j)))
                elif need in self.args:
                    sources.append(("arg", self.args.index(need)))
                elif need.endswith("_shape") and need[:-6] in self.inputs:
                    sources.append(("shape", self.inputs.index(need[:-6])))
                else:
                    raise AssertionError(f"{self.node_name}: formula asks for unknown {need!r}")
            specs.append((f, sources))
        n_saved = len(saved)
        # env of a formula call: saved values, then args, then input shapes
        offsets = {"saved": 0, "arg": n_saved, "shape": n_saved + len(self.args)}
        formulas = tuple(None if spec is None else
                         (spec[0], tuple(offsets[kind] + k for kind, k in spec[1]))
                         for spec in specs)
        # _pack(*inputs, *outputs) -> the tuple of saved values, e.g. for the left factor of
        # a product lambda i0, i1, o0: (i1,)
        params = [f"i{k}" for k in range(len(self.inputs))] + \
            [f"o{k}" for k in range(len(self.outputs))]
        items = "".join(f"i{j}, " if j >= 0 else f"o{-1 - j}, " for j in saved)
        pack = eval(f"lambda {', '.join(params)}: ({items})")  # noqa: S307 - our own source
        # _vers(*inputs): the versions of the saved inputs, or None when all are at version 0
        # (a tensor without _aux has never been modified in place): checked at backward
        ins = [j for j in saved if j >= 0]
        vers = None
        if ins and not self.variadic:
            fresh = " and ".join(f"_aux(i{j}) is None" for j in ins)
            each = "".join(f"_version(i{j}), " if j >= 0 else "0, " for j in saved)
            vers = eval(f"lambda {', '.join(params[:len(self.inputs)])}: None if {fresh} "  # noqa: S307
                        f"else ({each})", {"_aux": _aux_of, "_version": version_of})
        attrs = _saved_attributes(self, saved)
        attrs.update({"__slots__": (), "_entry": self, "_save": tuple(saved),
                 "_pack": staticmethod(pack), "_formulas": formulas,
                 "_vers": staticmethod(vers) if vers else None,
                 "_output_pos": tuple((k, -1 - j) for k, j in enumerate(saved) if j < 0)})
        if self.variadic:
            base: type = VariadicOpNode
        else:
            source, attrs["_apply"], attrs["_run"], attrs["_run_fast"] = _compile(
                self.node_name, tuple(saved), formulas, len(self.args), mask, self.n_diff != 1)
            attrs["_source"] = source
            base = OpNode if self.n_diff == 1 else MultiOpNode
        if isinstance(self.n_diff, int) and self.n_diff != 1:
            attrs["_n_out"] = self.n_diff
        # a qualified name (torch::autograd::CopySlices) is what name() returns; the class,
        # and so reprs, carry its last part
        return type(self.node_name.rpartition("::")[2], (base,), attrs)


def _saved_attributes(entry: Entry, saved: list) -> dict:
    """torch's ``_saved_<name>`` attributes of a node class, as properties: the saved tensors
    (``_saved_self``, ``_saved_result``), the arguments (``_saved_alpha``) and the inputs'
    sizes (``_saved_self_sym_sizes``). Properties rather than a ``__getattr__``: a class with
    ``__getattr__`` makes every attribute read of its nodes slower, in every backward."""
    attrs = {}
    for k, j in enumerate(saved):
        name = entry.outputs[-1 - j] if j < 0 else entry.inputs[j]
        attrs[f"_saved_{name}"] = property(lambda node, k=k, j=j: _read_saved(node, k, j))
    for i, name in enumerate(entry.args):
        attrs[f"_saved_{name}"] = property(lambda node, i=i: node._args[i])
    for i, name in enumerate(entry.inputs):
        attrs[f"_saved_{name}_sym_sizes"] = property(lambda node, i=i: _sym_sizes(node, i))
    return attrs


def _read_saved(node: Any, k: int, j: int) -> Any:
    saved = node._saved
    if saved is None:
        raise RuntimeError(FREED_MSG)
    return _saved_output(node, saved[k], -1 - j) if j < 0 else saved[k]


def _sym_sizes(node: Any, i: int) -> tuple:
    shape = node._meta[2 * i]
    if shape is None:  # a Python number: torch saves no sizes
        name = f"_saved_{node._entry.inputs[i]}_sym_sizes"
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '{name}'")
    return tuple(shape)


class OpNode(Node):
    """A node recorded by a table entry. Subclasses per entry and input mask carry the name
    (PowBackward0), what to save, and the generated plain backward ``_apply``.

    Saved values read as torch's do: ``node._saved_self``, ``node._saved_result``,
    ``node._saved_other``, ``node._saved_alpha``, ``node._saved_self_sym_sizes``.
    """

    # _meta: each input's shape and dtype, flat (shape0, dtype0, shape1, dtype1, ...), None
    # and None for a Python number
    __slots__ = ("_saved", "_args", "_meta", "_versions")
    _entry: Entry
    _save: tuple
    _output_pos: tuple
    _formulas: tuple

    def name(self) -> str:
        return self._entry.node_name

    def _names_of_saved(self) -> list:
        entry = self._entry
        names = [entry.outputs[-1 - j] if j < 0 else entry.inputs[j] for j in self._save]
        names += list(entry.args)
        names += [f"{n}_sym_sizes" for n, shape in zip(entry.inputs, self._meta[0::2])
                  if shape is not None]
        return names

    def __dir__(self) -> list:
        # the class has a sizes property per input; a Python number has no sizes to show
        saved = {f"_saved_{n}" for n in self._names_of_saved()}
        return sorted({n for n in super().__dir__() if not n.startswith("_saved_")} | saved)

    def _apply_recorded(self, grad: Any) -> list:
        """The backward under ``create_graph``: the same formulas on tensors, so recorded."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MSG)
        meta = self._meta
        env = list(saved)
        for k, v in enumerate(env):
            if isinstance(v, Tensor) and v._aux is not None:
                check_version(self, k, v)
        for pos, out in self._output_pos:
            env[pos] = _saved_output(self, saved[pos], out)
        if isinstance(grad, list):
            grad = [g if g is None or isinstance(g, Tensor) else _plain_tensor(g) for g in grad]
        elif not isinstance(grad, Tensor):
            grad = _plain_tensor(grad)
        env += self._args
        env += meta[0::2]
        out = []
        for spec, shape, dtype in zip(self._formulas, meta[0::2], meta[1::2]):
            if spec is None:
                out.append(None)
                continue
            f, idx = spec
            g = f(GRAPH, grad, *[env[k] for k in idx])
            out.append(None if g is None else GRAPH.fit(g, shape, dtype))
        return out


class MultiOpNode(OpNode):
    """A node with several differentiable outputs; ``_n_out`` per instance when the count
    depends on the call (``split``)."""

    __slots__ = ("_n_out",)


class VariadicOpNode(OpNode):
    """The node of an op over a list of tensors: one formula gives every tensor's gradient."""

    __slots__ = ()

    def _apply(self, grads: list, create_graph: bool) -> list:
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MSG)
        F = GRAPH if create_graph else NUMPY
        grad = grads if self._entry.n_diff != 1 else grads[0]
        if create_graph:
            grad = [g if g is None or isinstance(g, Tensor) else _plain_tensor(g)
                    for g in grad] if isinstance(grad, list) else (
                grad if isinstance(grad, Tensor) else _plain_tensor(grad))
            env = [list(v) if isinstance(v, tuple) else v for v in saved]
        else:
            env = [[t._data if isinstance(t, Tensor) else t for t in v]
                   if isinstance(v, tuple) else v for v in saved]
        for pos, out in self._output_pos:
            env[pos] = _saved_output(self, saved[pos], out) if create_graph else saved[pos]
        env += self._args
        meta = self._meta
        env.append(list(meta[0::2]))
        f, idx = self._formulas[0]
        gs = f(F, grad, *[env[k] for k in idx])
        return [None if g is None or nxt is None else F.fit(g, shape, dtype)
                for g, shape, dtype, (nxt, _) in zip(gs, meta[0::2], meta[1::2],
                                                     self.next_functions)]


def _saved_output(node: Node, data: Any, k: int) -> Tensor:
    # An output is saved as its array (saving the tensor would make a cycle through its
    # grad_fn); for a recorded backward it is rebuilt as a tensor whose grad_fn is this very
    # node, or as a plain tensor for outputs that are not differentiable (indices).
    if isinstance(data, Tensor):  # given back by a saved-tensors unpack hook
        data = data._data
    t = _plain_tensor(data)
    n_diff = node._entry.n_diff
    if n_diff == "all" or k < n_diff:
        t._requires_grad = True
        t._grad_fn = node
        t._output_nr = k
    return t


# ---------------------------------------------------------------------------------------------
# Calling an entry: dtype handling, the forward, and recording the node.

mark_inference: Any = None  # set by _tensor.py
Tensor: Any = None  # set by _tensor.py (the registry must not import it: _tensor imports us)
_plain_tensor: Any = None


_FLOATS = {np.dtype(np.float16): 1, np.dtype(np.float32): 1, np.dtype(np.float64): 1}
_new = object.__new__
_NO_EDGE = (None, 0)


def _edge(t: Any) -> tuple:
    fn = t._grad_fn
    return (fn, t._output_nr) if fn is not None else (grad_accumulator(t), 0)


def _record(entry: Entry, out: Any, inputs: tuple, args: tuple, data: Any) -> None:
    """Makes ``out`` the result of a node of ``entry`` over ``inputs``."""
    mask = 0
    bit = 1
    edges = []
    meta = []
    for t in inputs:
        if isinstance(t, Tensor):
            d = t._data
            meta += (d.shape, d.dtype)
            if t._requires_grad:
                edges.append(_edge(t))
                mask |= bit
            else:
                edges.append((None, 0))
        else:
            meta += (None, None)
            edges.append((None, 0))
        bit <<= 1
    cls = entry.node_classes[mask] or entry.node_class(mask)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    node.next_functions = tuple(edges)
    node._meta = tuple(meta)
    node._saved = cls._pack(*inputs, data)
    node._versions = cls._vers(*inputs) if cls._vers else None
    if saved_hooks[0]:
        node._saved = apply_saved_hooks(node._saved)
    node._args = args
    out._grad_fn = node
    out._requires_grad = True
    if anomaly[0]:
        remember_forward(node)


def _record1(entry: Entry, out: Any, x: Any, args: tuple, data: Any) -> None:
    """``_record`` for one input that requires grad: the common unary case, unrolled."""
    cls = entry.node_classes[1] or entry.node_class(1)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    fn = x._grad_fn
    node.next_functions = ((fn, x._output_nr) if fn is not None else
                           (grad_accumulator(x), 0),)
    xd = x._data
    node._meta = (xd.shape, xd.dtype)
    node._saved = cls._pack(x, data)
    node._versions = cls._vers(x) if cls._vers is not None and x._aux is not None else None
    if saved_hooks[0]:
        node._saved = apply_saved_hooks(node._saved)
    node._args = args
    out._grad_fn = node
    out._requires_grad = True
    if anomaly[0]:
        remember_forward(node)


def call1(entry: Entry, x: Any, args: tuple = ()) -> Any:
    """One tensor input."""
    a = x._data
    if entry.to_float and a.dtype not in _FLOATS and category(a.dtype) < 2:
        a = a.astype(DEFAULT.float)
    data = entry.forward(a, *args)
    out = _new(Tensor)
    out._data = data
    out._grad_fn = None
    out._grad = None
    out._output_nr = 0
    out._aux = None
    out._acc = None
    if inference[0]:
        mark_inference(out)
    if x._requires_grad and _state.grad_enabled:
        _record1(entry, out, x, args, data)
    else:
        out._requires_grad = False
    if entry.view:
        mark_view(out, x)
    if forward_ad[0]:
        propagate(entry, (x,), (a,), args, out)
    return out


def _scalar_value(v: Any) -> Any:
    # numpy scalars join ops as Python numbers do (torch treats np.float64, a float, that way)
    if isinstance(v, generic):
        return v.item()
    return v


def binary_arrays(to_float: bool, a: Any, b: Any) -> tuple:
    """The two operands as arrays (or Python numbers) in the dtype torch computes in."""
    A = a._data
    if isinstance(b, Tensor):
        B = b._data
        da = A.dtype
        db = B.dtype
        if da is not db:
            ct = common_dtype(A, B)
            if da is not ct:
                A = A.astype(ct)
            if db is not ct:
                B = B.astype(ct)
            da = ct
        if to_float and category(da) < 2:
            A = A.astype(DEFAULT.float)
            B = B.astype(DEFAULT.float)
        return A, B
    B = _scalar_value(b)
    da = A.dtype
    cat = category(da)
    tb = type(B)
    if tb is float:
        if cat < 2:
            A = A.astype(DEFAULT.float)
    elif tb is int:
        if cat == 0:
            A = A.astype(np.int64)
        elif to_float and cat == 1:
            A = A.astype(DEFAULT.float)
        if A.dtype.kind in "iu":
            B = wrapped_int(B, A.dtype)
        elif not -2**53 <= B <= 2**53:
            B = int_scalar(B)
    elif tb is bool:
        if to_float and cat < 2:
            A = A.astype(DEFAULT.float)
    elif tb is complex:
        if cat < 3:
            A = A.astype(DEFAULT.complex if cat < 2 else np.result_type(da, np.complex64))
    else:
        raise TypeError(f"unsupported operand type: '{type(b).__name__}'")
    return A, B


def common_dtype(A: Any, B: Any) -> Any:
    dims, zeros = [], []
    for arr in (A, B):
        (dims if arr.ndim else zeros).append(arr.dtype)
    return result_type(tuple(dims), tuple(zeros), ())


def broadcast_check(sa: tuple, sb: tuple) -> None:
    """torch's error for shapes that do not broadcast."""
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            n = max(len(sa), len(sb)) - i
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {n}")


def call2(entry: Entry, a: Any, b: Any, args: tuple = ()) -> Any:
    """Two inputs: ``a`` a tensor, ``b`` a tensor or a Python number."""
    A = a._data
    cb = b.__class__
    # fast path: a float tensor with a Python number or a tensor of its own dtype needs no cast
    if (cb is float or cb is int) and A.dtype in _FLOATS:
        # SMALL_INT as a literal: a constant, compared without a negation per call
        B = b if cb is float or -0x3FFFFFFF <= b <= 0x3FFFFFFF else int_scalar(b)
        b_tensor = False
    elif cb is Tensor and b._data.dtype is A.dtype and A.dtype in _FLOATS:
        B = b._data
        if A.shape != B.shape:
            broadcast_check(A.shape, B.shape)
        b_tensor = True
    else:
        b_tensor = isinstance(b, Tensor)
        if b_tensor and A.shape != b._data.shape:
            broadcast_check(A.shape, b._data.shape)
        A, B = binary_arrays(entry.to_float, a, b)
    data = entry.forward(A, B, *args)
    out = _new(Tensor)
    out._data = data
    out._grad_fn = None
    out._grad = None
    out._output_nr = 0
    out._aux = None
    out._acc = None
    if inference[0]:
        mark_inference(out)
    a_grad = a._requires_grad
    b_grad = b_tensor and b._requires_grad
    if (a_grad or b_grad) and _state.grad_enabled:
        _record2(entry, out, a, b, b_tensor, a_grad, b_grad, args, data)
    else:
        out._requires_grad = False
    if forward_ad[0]:
        propagate(entry, (a, b), (A, B), args, out)
    return out


def _record2(entry: Entry, out: Any, a: Any, b: Any, b_tensor: bool, a_grad: bool,
             b_grad: bool, args: tuple, data: Any) -> None:
    """``_record`` for two inputs, unrolled: this runs for every binary op in a graph."""
    mask = a_grad | b_grad << 1
    cls = entry.node_classes[mask] or entry.node_class(mask)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    if a_grad:
        fn = a._grad_fn
        ea = (fn, a._output_nr) if fn is not None else (grad_accumulator(a), 0)
    else:
        ea = _NO_EDGE
    if b_grad:
        fn = b._grad_fn
        eb = (fn, b._output_nr) if fn is not None else (grad_accumulator(b), 0)
    else:
        eb = _NO_EDGE
    node.next_functions = (ea, eb)
    ad = a._data  # the inputs' own shapes and dtypes, before any cast
    if b_tensor:
        bd = b._data
        node._meta = (ad.shape, ad.dtype, bd.shape, bd.dtype)
    else:
        node._meta = (ad.shape, ad.dtype, None, None)
    node._saved = cls._pack(a, b, data)
    # versions matter only for tensors changed in place (those have _aux)
    if cls._vers is not None and (a._aux is not None or b_tensor and b._aux is not None):
        node._versions = cls._vers(a, b)
    else:
        node._versions = None
    if saved_hooks[0]:
        node._saved = apply_saved_hooks(node._saved)
    node._args = args
    out._grad_fn = node
    out._requires_grad = True
    if anomaly[0]:
        remember_forward(node)


# NumPy takes a 0-d array of the other operand's dtype several times faster than a Python
# number, which it converts on every call, to the same value (NumPy's weak scalars, and torch's
# rule for a float tensor and a number: the number is cast to the tensor's dtype). Cached per
# item size (the float dtypes of _FLOATS differ in it), for nonzero numbers only: 0.0 and -0.0
# are equal keys but not equal operands, and a nan never finds itself again.
NUMBER_ARRAYS: dict = {2: {}, 4: {}, 8: {}}
_NUMBER_CACHE_SIZE = 256


# the fast paths take ints of one CPython digit (compared fastest) as they are; others are
# checked against torch's range (_dtypes.int_scalar) on the general path
SMALL_INT = 0x3FFFFFFF


def number_array(b: Any, dtype: Any) -> Any:
    """``b`` (a Python int or float) as a read-only 0-d array of float ``dtype``, cached. Zero,
    nan, infinities, numbers beyond the dtype's range, ints a double can't hold exactly (which
    would be rounded twice) and numbers beyond the cache's size stay Python numbers."""
    if b.__class__ is int and not -2**53 <= b <= 2**53:
        return int_scalar(b)
    if not b or b != b:
        return b
    cache = NUMBER_ARRAYS[dtype.itemsize]
    if len(cache) >= _NUMBER_CACHE_SIZE:
        return b
    with np.errstate(over="ignore"):
        arr = np.array(b, dtype)
    if not np.isfinite(arr):
        return b  # NumPy's own handling on the call, its overflow warning included
    arr.flags.writeable = False
    cache[b] = arr
    return arr


def operator(entry: Entry, general: Callable, args: tuple = (),
             number_arg: bool = False) -> Callable:
    """The Python operator of a two-input entry (``a * b``): straight-line code for the
    common operands, a float tensor with a Python number or with a tensor of its dtype, when
    no mode needs the general path (``autograd._modes.SPECIAL``: inference, forward AD or
    vmap, anomaly detection, saved-tensor hooks).
    Anything else goes to ``general``, the public function. On small tensors the frames of
    the public function, of ``call2`` and of the forward are most of an op's cost, so the
    code is generated per entry with the forward's body inlined (its ``_source`` shows it).

    ``number_arg``: a Python number is the forward's argument, not an input (``x ** 2`` runs
    the one-input ``PowBackward0``).
    """
    env = {"entry": entry, "classes": entry.node_classes, "general": general, "args": args,
           "Tensor": Tensor, "_FLOATS": _FLOATS, "special": SPECIAL,
           "_new": _new, "_state": _state, "_sequence": _sequence, "_NO_EDGE": _NO_EDGE,
           "grad_accumulator": grad_accumulator, "broadcast_check": broadcast_check,
           "forward": entry.forward, "ndarray": ndarray, "NUMBER_ARRAYS": NUMBER_ARRAYS,
           "number_array": number_array, "__name__": __name__}
    # Generated on the first call, which keeps import fast: until then ``op`` runs a stub that
    # builds the code and gives it to ``op`` (the same function object, bound as a dunder).
    exec("def op(a, b):\n    build()\n    return op(a, b)\n", env)  # noqa: S102
    op = env["op"]

    def build() -> None:
        arg_names = [f"args[{k}]" for k in range(len(args))]
        rest = "".join(", " + a for a in arg_names)
        # the number is the forward's argument b (number_arg), or its operand B
        other = "b" if number_arg else "B"
        forward = _inline(entry.forward, ["A", other, *arg_names], env, "fw") or \
            f"forward(A, {other}{rest})"
        source = (_OPERATOR_NUMBER_ARG if number_arg else _OPERATOR).format(forward=forward)
        # a code object of its own per entry also lets the interpreter specialise the
        # attribute reads and writes of its node class
        exec(compile(source, f"<{entry.node_name} operator>", "exec"), env)  # noqa: S102
        op.__code__ = env["op"].__code__
        op._source = source
        env["op"] = op

    env["build"] = build
    _GENERATED.append(env)
    op.__name__ = general.__name__
    op.__doc__ = general.__doc__
    return op


# Pieces of the operators' code, shared below: the fields _tensor._init sets on a fresh
# tensor, the start of a node (its class for the input mask), and its end.
_NEW_OUT = """out = _new(Tensor)
out._data = data
out._grad_fn = None
out._grad = None
out._output_nr = 0
out._aux = None
out._acc = None"""
_NEW_NODE = """cls = classes[{mask}] or entry.node_class({mask})
node = _new(cls)
node._seq = next(_sequence)
node._hooks = None"""
_END_NODE = """node._args = {args}
out._grad_fn = node
out._requires_grad = True"""
# a tensor's edge into the graph, as registry._edge
_EDGE = "(fn, {x}._output_nr) if fn is not None else (grad_accumulator({x}), 0)"


def _at(code: str, depth: int) -> str:
    """``code`` indented ``depth`` levels after its first line (which the template places)."""
    return code.replace("\n", "\n" + "    " * depth)


# the operator of an entry with two tensor inputs (``a * b``)
_OPERATOR = f"""
def op(a, b):
    if a.__class__ is not Tensor or special[0]:
        return general(a, b)
    A = a._data
    if A.dtype not in _FLOATS:
        return general(a, b)
    cb = b.__class__
    if cb is float or cb is int and -{SMALL_INT} <= b <= {SMALL_INT}:
        # a tensor and a number: only the tensor can need a gradient. With an array the
        # number joins as a 0-d array of its dtype (see number_array); a NumPy scalar (a 0-d
        # tensor's value) is faster with the number itself, through NumPy's scalar math
        if A.__class__ is ndarray:
            B = NUMBER_ARRAYS[A.itemsize].get(b)
            if B is None:
                B = number_array(b, A.dtype)
        else:
            B = b
        data = {{forward}}
        {_at(_NEW_OUT, 2)}
        if a._requires_grad and _state.grad_enabled:
            {_at(_NEW_NODE.format(mask=1), 3)}
            fn = a._grad_fn
            node.next_functions = ({_EDGE.format(x="a")}, _NO_EDGE)
            node._meta = (A.shape, A.dtype, None, None)
            node._saved = cls._pack(a, b, data)
            node._versions = cls._vers(a, b) if a._aux is not None and cls._vers else None
            {_at(_END_NODE.format(args="args"), 3)}
        else:
            out._requires_grad = False
        return out
    if cb is not Tensor:
        return general(a, b)
    B = b._data
    if B.dtype is not A.dtype:
        return general(a, b)
    if A.shape != B.shape:
        broadcast_check(A.shape, B.shape)
    data = {{forward}}
    {_at(_NEW_OUT, 1)}
    a_grad = a._requires_grad
    b_grad = b._requires_grad
    if (a_grad or b_grad) and _state.grad_enabled:
        # registry._record2, unrolled
        mask = a_grad | b_grad << 1
        {_at(_NEW_NODE.format(mask="mask"), 2)}
        if a_grad:
            fn = a._grad_fn
            ea = {_EDGE.format(x="a")}
        else:
            ea = _NO_EDGE
        if b_grad:
            fn = b._grad_fn
            eb = {_EDGE.format(x="b")}
        else:
            eb = _NO_EDGE
        node.next_functions = (ea, eb)
        node._meta = (A.shape, A.dtype, B.shape, B.dtype)
        node._saved = cls._pack(a, b, data)
        if cls._vers is not None and (a._aux is not None or b._aux is not None):
            node._versions = cls._vers(a, b)
        else:
            node._versions = None
        {_at(_END_NODE.format(args="args"), 2)}
    else:
        out._requires_grad = False
    return out
"""

# the operator of an entry whose second operand, a number, is an argument (``x ** 2``)
_OPERATOR_NUMBER_ARG = f"""
def op(a, b):
    cb = b.__class__
    if a.__class__ is not Tensor or special[0] or not (
            cb is float or cb is int and -{SMALL_INT} <= b <= {SMALL_INT}):
        return general(a, b)
    A = a._data
    if A.dtype not in _FLOATS:
        return general(a, b)
    data = {{forward}}
    {_at(_NEW_OUT, 1)}
    if a._requires_grad and _state.grad_enabled:
        # registry._record1, unrolled
        {_at(_NEW_NODE.format(mask=1), 2)}
        fn = a._grad_fn
        node.next_functions = ({_EDGE.format(x="a")},)
        node._meta = (A.shape, A.dtype)
        node._saved = cls._pack(a, data)
        node._versions = cls._vers(a) if a._aux is not None and cls._vers else None
        {_at(_END_NODE.format(args="(b, *args) if args else (b,)"), 2)}
    else:
        out._requires_grad = False
    return out
"""


def call(entry: Entry, inputs: tuple, arrays: tuple, args: tuple = ()) -> Any:
    """Any number of inputs whose arrays the caller has prepared."""
    data = entry.forward(*arrays, *args)
    out = _plain_tensor(data)
    if _state.grad_enabled:
        for t in inputs:
            if isinstance(t, Tensor) and t._requires_grad:
                _record(entry, out, inputs, args, data)
                break
    if forward_ad[0]:
        propagate(entry, inputs, arrays, args, out)
    return out


def call_linear(entry: Entry, t_entry: Entry, bias: Any, input: Any, weight: Any) -> Any:
    """``entry(bias, input, weight.t())`` (``entry(input, weight.t())`` without a bias) for
    F.linear, whose checks the caller has made: the transposed view (``t_entry``,
    ``TBackward0``) and the product's node, recorded as ``call1`` and ``call`` record them but
    with the product's inputs known, as this runs for every layer of every step. Any special
    mode takes ``call1`` and ``call``."""
    wt_data = weight._data.transpose()
    a = input._data
    if bias is None:
        args: tuple = (False, False)
        data = entry.forward(a, wt_data, False, False)
    else:
        args = (1, 1)
        data = entry.forward(bias._data, a, wt_data, 1, 1)
    out = _plain_tensor(data)
    w_grad = weight._requires_grad
    i_grad = input._requires_grad
    b_grad = bias is not None and bias._requires_grad
    if not ((w_grad or i_grad or b_grad) and _state.grad_enabled):
        return out
    # the view is a tensor of its own only here, where the product's node saves it
    wt = _plain_tensor(wt_data)
    mark_view(wt, weight)
    if w_grad:
        _record1(t_entry, wt, weight, (), wt_data)
    ei = _edge(input) if i_grad else _NO_EDGE
    ewt = (wt._grad_fn, 0) if w_grad else _NO_EDGE
    if bias is None:
        mask = i_grad | w_grad << 1
        edges: tuple = (ei, ewt)
        meta: tuple = (a.shape, a.dtype, wt_data.shape, wt_data.dtype)
        inputs: tuple = (input, wt)
    else:
        mask = b_grad | i_grad << 1 | w_grad << 2
        edges = (_edge(bias) if b_grad else _NO_EDGE, ei, ewt)
        s = bias._data
        meta = (s.shape, s.dtype, a.shape, a.dtype, wt_data.shape, wt_data.dtype)
        inputs = (bias, input, wt)
    cls = entry.node_classes[mask] or entry.node_class(mask)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    node.next_functions = edges
    node._meta = meta
    node._saved = cls._pack(*inputs, data)
    node._versions = cls._vers(*inputs) if cls._vers else None
    node._args = args
    out._grad_fn = node
    out._requires_grad = True
    return out


def call_multi(entry: Entry, inputs: tuple, arrays: tuple, args: tuple = ()) -> tuple:
    """An op whose forward returns several arrays: a tuple of tensors, the first ``n_diff``
    of them outputs of one node."""
    datas = entry.forward(*arrays, *args)
    outs = tuple(_plain_tensor(d) for d in datas)
    if _state.grad_enabled:
        for t in inputs:
            if isinstance(t, Tensor) and t._requires_grad:
                _record_multi(entry, outs, inputs, args, datas)
                break
    if entry.view:
        for out in outs:
            mark_view(out, inputs[0])
    if forward_ad[0]:
        propagate(entry, inputs, arrays, args, outs)
    return outs


def _record_multi(entry: Entry, outs: tuple, inputs: tuple, args: tuple, datas: tuple) -> None:
    mask = 0
    edges = []
    meta = []
    for bit, t in enumerate(inputs):
        if isinstance(t, Tensor):
            meta += (t._data.shape, t._data.dtype)
            if t._requires_grad:
                edges.append(_edge(t))
                mask |= 1 << bit
                continue
        else:
            meta += (None, None)
        edges.append(_NO_EDGE)
    cls = entry.node_classes[mask] or entry.node_class(mask)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    node.next_functions = tuple(edges)
    node._meta = tuple(meta)
    node._saved = cls._pack(*inputs, *datas[:len(entry.outputs)])
    node._versions = cls._vers(*inputs) if cls._vers else None
    if saved_hooks[0]:
        node._saved = apply_saved_hooks(node._saved)
    node._args = args
    if anomaly[0]:
        remember_forward(node)
    n_diff = len(outs) if entry.n_diff == "all" else entry.n_diff
    if entry.n_diff == "all":
        node._n_out = n_diff
    for k in range(n_diff):
        outs[k]._grad_fn = node
        outs[k]._output_nr = k
        outs[k]._requires_grad = True


def call_list(entry: Entry, tensors: list, arrays: list, args: tuple = ()) -> Any:
    """A variadic op over a list of tensors (``cat``, ``stack``)."""
    data = entry.forward(arrays, *args)
    out = _plain_tensor(data)
    if forward_ad[0]:
        propagate(entry, tensors, arrays, args, out)
    if not _state.grad_enabled or not any(
            isinstance(t, Tensor) and t._requires_grad for t in tensors):
        return out
    cls = entry.node_classes[1] or entry.node_class(1)
    node = _new(cls)
    node._seq = next(_sequence)
    node._hooks = None
    node.next_functions = tuple(
        _edge(t) if isinstance(t, Tensor) and t._requires_grad else _NO_EDGE for t in tensors)
    node._meta = tuple(v for t, a in zip(tensors, arrays) for v in (
        np.shape(a), t._data.dtype if isinstance(t, Tensor) else np.asarray(a).dtype))
    node._saved = cls._pack(tuple(tensors), data)
    node._versions = None
    node._args = args
    if anomaly[0]:
        remember_forward(node)
    out._grad_fn = node
    out._requires_grad = True
    return out


def op(node_name: str, forward: Callable, *, fw: Any = "element_wise", dtype: str = "promote",
       n_inputs: int | None = None, outputs: tuple = ("result",), n_diff: int | str = 1,
       variadic: bool = False, view: bool = False, **formulas: Callable) -> Entry:
    """Declares an op: its grad_fn name, its forward on arrays, one formula per input.

    ``dtype``: ``"promote"`` computes in the promoted dtype of the inputs; ``"float"`` also
    turns integer and bool inputs into the default float (``sin``, true division).
    ``fw`` tags the forward-mode rule: ``element_wise``, ``linear``, ``bilinear`` or a callable.
    ``n_inputs``: inputs that are tensors (edges of the node), when some have no formula.
    ``outputs``, ``n_diff``, ``variadic``: see ``Entry``. ``view``: the outputs are torch
    views of the first input (they share its memory and version counter, and know their base).
    """
    return Entry(node_name, forward, formulas, fw, dtype, n_inputs, outputs, n_diff, variadic,
                 view)


def mark_view(out: Any, base: Any) -> None:
    """``out`` views ``base``'s memory: one version counter, and ``_base`` the root tensor."""
    if isinstance(out._data, generic):  # a NumPy scalar copies: not a view in memory
        return
    root = base._aux.base if base._aux is not None and base._aux.base is not None else base
    aux = out._aux_()
    aux.base = root
    aux.version = root._aux_().version


# ---------------------------------------------------------------------------------------------
# The function namespaces formulas are written against.

class _NumpyNamespace:
    """Formula functions on raw arrays: a plain backward, no graph."""

    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    @staticmethod
    def sign(x: Any) -> Any:
        """sign with torch's 0 at nan (NumPy gives nan)."""
        s = np.sign(x)
        if s.dtype.kind in "fc" and np.isnan(s).any():
            s = np.where(np.isnan(s), 0, s).astype(s.dtype)
        return s
    where = staticmethod(np.where)

    @staticmethod
    def expand(g: Any, shape: tuple) -> Any:
        # a dense copy: later products with a stride-0 view run several times slower, and
        # the copy is one cheap fill
        return np.broadcast_to(g, shape).copy()  # C order (np.array keeps a view's order)

    @staticmethod
    def unsqueeze_dims(g: Any, dims: tuple) -> Any:
        return np.expand_dims(g, dims)

    @staticmethod
    def zeros_like(a: Any) -> Any:
        return np.zeros_like(a)

    @staticmethod
    def reshape(g: Any, shape: tuple) -> Any:
        return np.reshape(g, shape)

    @staticmethod
    def select(g: Any, dim: int, index: int) -> Any:
        return g[(slice(None),) * dim + (index,)]

    @staticmethod
    def select_backward(g: Any, shape: tuple, dim: int, index: int) -> Any:
        from .formulas import select_backward_array

        return select_backward_array(g, shape, dim, index)

    @staticmethod
    def slice(g: Any, dim: int, start: int, stop: int, step: int) -> Any:
        return g[(slice(None),) * dim + (slice(start, stop, step),)]

    @staticmethod
    def slice_backward(g: Any, shape: tuple, dim: int, start: int, stop: int, step: int) -> Any:
        from .formulas import slice_backward_array

        return slice_backward_array(g, shape, dim, start, stop, step)

    @staticmethod
    def squeeze_dim(g: Any, dim: int) -> Any:
        return np.squeeze(g, dim)

    @staticmethod
    def unsqueeze_dim(g: Any, dim: int) -> Any:
        return np.expand_dims(g, dim)

    @staticmethod
    def index(g: Any, indices: tuple) -> Any:
        return g[indices]

    @staticmethod
    def index_put_zero(g: Any, indices: tuple) -> Any:
        from .formulas import index_put_zero_array

        return index_put_zero_array(g, indices)

    @staticmethod
    def stack_grads(grads: list, shape: tuple, dim: int) -> Any:
        """Gradients of slices along ``dim`` stacked back, zeros for slices without one."""
        part = shape[:dim] + shape[dim + 1:]
        dtype = next(g.dtype for g in grads if g is not None)
        return np.stack([np.zeros(part, dtype) if g is None else g for g in grads], axis=dim)

    @staticmethod
    def cat_grads(grads: list, shape: tuple, sizes: tuple, dim: int) -> Any:
        dtype = next(g.dtype for g in grads if g is not None)
        parts = [np.zeros(shape[:dim] + (n,) + shape[dim + 1:], dtype) if g is None else g
                 for g, n in zip(grads, sizes)]
        return np.concatenate(parts, axis=dim)

    @staticmethod
    def split_grad(g: Any, sizes: list, dim: int) -> list:
        return np.split(g, np.cumsum(sizes)[:-1], axis=dim)

    @staticmethod
    def index_backward(g: Any, shape: tuple, indices: tuple) -> Any:
        from .formulas import index_backward_array

        return index_backward_array(g, shape, indices)

    @staticmethod
    def fit(g: Any, shape: tuple, dtype: Any) -> Any:
        """Undoes broadcasting (sums ``g`` down to ``shape``) and restores the input's dtype."""
        if g.shape != shape:
            g = sum_to(g, shape)
        if g.dtype is not dtype:
            g = g.astype(dtype)
        return g


def sum_to(g: Any, shape: tuple) -> Any:
    lead = g.ndim - len(shape)
    if lead:
        g = np.add.reduce(g, axis=tuple(range(lead)))
        if g.shape == shape:  # a bias's gradient: only leading dims to sum
            return g if type(g) is ndarray or isinstance(g, generic) else np.asarray(g)
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if axes:
        g = np.add.reduce(g, axis=axes, keepdims=True)
    if type(g) is not ndarray and not isinstance(g, generic):
        g = np.asarray(g)
    return g


class _GraphNamespace:
    """Formula functions on tensors, each recorded: a backward that builds its own graph.
    Filled in by ``_ops/api.py`` once the tensor ops exist."""


NUMPY = _NumpyNamespace()
GRAPH = _GraphNamespace()
