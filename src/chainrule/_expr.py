"""A safe parser for the derivative calculator's expressions: ``x**2*y + sin(x*y)``.

The language: numbers (``2``, ``0.5``, ``1e-3``), the constants ``pi`` and ``e``, variables
(any other name), ``+ - * / **``, unary ``-`` and ``+``, parentheses, and calls of the math
functions that chainrule has by their torch names (``sin(x)``, ``atan2(y, x)``). Precedence and
associativity are Python's: ``**`` is right-associative and binds tighter than a unary minus on
its left, so ``-x**2`` is ``-(x**2)`` and ``2**-x`` is ``2**(-x)``.

User text is never given to ``eval``: a hand-written tokenizer feeds a shunting-yard parser
(explicit stacks, no recursion) that emits postfix code, and a stack machine runs that code on
chainrule tensors. Attribute access, strings, subscripts, keyword arguments, calls of anything
outside the function list, nesting deeper than :data:`MAX_DEPTH`, constant exponents beyond
:data:`MAX_EXPONENT` and input longer than :data:`MAX_LENGTH` are refused with an
:class:`ExprError` whose message is one line.

>>> import chainrule as torch
>>> f = parse("x**2 + 2*x + 1")
>>> f.variables
('x',)
>>> f.evaluate({"x": torch.tensor(2.0)})
tensor(9.)
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._backend import np

__all__ = ["Expr", "ExprError", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "functions", "parse"]

#: Longest accepted expression, in characters.
MAX_LENGTH = 10_000
#: Deepest accepted nesting of parentheses (and of function calls, which open one each).
MAX_DEPTH = 100
#: Largest accepted magnitude of an exponent known when parsing (``2**99999`` is refused).
MAX_EXPONENT = 1000

# Candidate functions by their torch names, with their number of arguments. Only those that exist
# as callables on the chainrule module when an expression is parsed are offered, so ops added to
# chainrule later become available here without an edit.
_UNARY = (
    "abs absolute acos acosh angle arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan "
    "atanh ceil celu cos cosh deg2rad digamma erf erfc erfinv exp exp2 expm1 fix floor frac i0 "
    "lgamma log log10 log1p log2 logit neg negative rad2deg reciprocal relu round rsqrt selu sgn "
    "sigmoid sign sin sinc sinh sqrt square tan tanh trunc"
).split()
_BINARY = (
    "arctan2 atan2 copysign float_power fmax fmin fmod hypot logaddexp logaddexp2 maximum minimum "
    "pow remainder xlogy"
).split()
_ARITY = {**{name: 1 for name in _UNARY}, **{name: 2 for name in _BINARY}}
# ``pow(a, b)`` is ``a ** b``: torch.pow takes a Python number on either side, and the operator's
# constant folding and exponent limit then apply to it too.
_AS_OPERATOR = {"pow": "**"}
_CONSTANTS = {"pi": math.pi, "e": math.e}

# Binary operators: precedence and right-associativity, as in Python.
_BINARY_OPS = {"+": (1, False), "-": (1, False), "*": (2, False), "/": (2, False),
               "**": (4, True)}
# A unary sign binds looser than ``**`` on its right and tighter than ``*``.
_UNARY_PREC = 3
# Integers stay Python ints while exactly representable, so ``x**2`` saves the exponent 2 as
# torch would; beyond 2**53 constants are floats.
_EXACT_INT = 2**53

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/(),])
""", re.VERBOSE)

# Characters a Python user might try, with the reason they are refused.
_REFUSED = {
    ".": "attribute access ('.') is not allowed",
    "^": "'^' is not an operator here: write ** for powers",
    "=": "'=' is not allowed (keyword arguments and assignments are not part of expressions)",
    "[": "subscripts ('[') are not allowed",
    "]": "subscripts (']') are not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
}


class ExprError(ValueError):
    """A refused expression or evaluation; ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name" or "op"
    text: str
    pos: int  # 1-based column, for messages


def functions() -> dict[str, int]:
    """The functions an expression may call, by name, with their number of arguments.

    Built when called from what chainrule has, so the list grows with the op table.

    >>> functions()["sin"]
    1
    """
    import chainrule

    return {name: n for name, n in sorted(_ARITY.items())
            if callable(getattr(chainrule, name, None))}


def _tokens(text: str) -> Iterator[_Token]:
    """Yields tokens lazily, so that the first error met in reading order is the one reported."""
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            reason = _REFUSED.get(ch, f"unexpected character {ch!r}")
            raise ExprError(f"{reason} (column {pos + 1})")
        kind = m.lastgroup
        if kind != "space":
            yield _Token(kind, m.group(), pos + 1)
        pos = m.end()


def _number(tok: _Token) -> int | float:
    body = tok.text
    if body.isdigit() and len(body) <= 15:
        return int(body)
    value = float(body)
    if not math.isfinite(value):
        raise ExprError(f"the number {_short(body)} is too large (column {tok.pos})")
    return value


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _fold(op: str, a: int | float, b: int | float) -> int | float:
    """``a op b`` for two constants, in float64 so that overflow gives inf rather than an
    exception (or a huge Python int)."""
    fa, fb = np.float64(a), np.float64(b)
    with np.errstate(all="ignore"):
        if op == "+":
            r = fa + fb
        elif op == "-":
            r = fa - fb
        elif op == "*":
            r = fa * fb
        elif op == "/":
            r = fa / fb  # IEEE: 1/0 is inf, 0/0 is nan, as torch gives
        else:
            r = fa**fb
    exact = (isinstance(a, int) and isinstance(b, int) and op != "/"
             and not (op == "**" and b < 0) and abs(r) < _EXACT_INT)
    if exact:
        # both are small ints and the result is below 2**53: Python computes it exactly and fast
        return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a**b
    return float(r)


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its text, postfix code and variables (in order of appearance).

    Call :meth:`evaluate` with a value for each variable (tensors, or numbers), or call the
    expression itself with keyword arguments.

    >>> import chainrule as torch
    >>> f = parse("u*v + u**2")
    >>> f(u=torch.tensor(1.0), v=torch.tensor(2.0))
    tensor(3.)
    """

    text: str
    code: tuple
    variables: tuple[str, ...]

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The expression's value as a chainrule tensor; numbers become float64 tensors.

        Raises :class:`ExprError` when a variable has no value.
        """
        import chainrule

        for name in self.variables:
            if name not in values:
                raise ExprError(f"missing value for {name}")

        def as_tensor(v: Any) -> Any:
            if isinstance(v, chainrule.Tensor):
                return v
            return chainrule.tensor(v, dtype=chainrule.float64)

        env = {name: as_tensor(values[name]) for name in self.variables}
        stack: list = []
        for ins in self.code:
            kind = ins[0]
            if kind == "num":
                stack.append(ins[1])
            elif kind == "var":
                stack.append(env[ins[1]])
            elif kind == "neg":
                stack.append(-stack.pop())
            elif kind == "bin":
                b = stack.pop()
                a = stack.pop()
                op = ins[1]
                if op == "+":
                    stack.append(a + b)
                elif op == "-":
                    stack.append(a - b)
                elif op == "*":
                    stack.append(a * b)
                elif op == "/":
                    stack.append(a / b)
                else:
                    stack.append(a**b)
            else:  # "call": functions take tensors; constants become 0-d float64 tensors
                name, argc = ins[1], ins[2]
                args = [as_tensor(a) for a in stack[len(stack) - argc:]]
                del stack[len(stack) - argc:]
                fn = getattr(chainrule, name, None)
                if not callable(fn):
                    raise ExprError(f"unknown function {name!r}")
                stack.append(fn(*args))
        (result,) = stack
        return as_tensor(result)

    def __call__(self, **values: Any) -> Any:
        return self.evaluate(values)


def parse(text: str) -> Expr:
    """Parses ``text`` into an :class:`Expr`, refusing anything outside the language.

    >>> parse("-x**2").code
    (('var', 'x'), ('num', 2), ('bin', '**'), ('neg',))
    >>> parse("__import__('os')")
    Traceback (most recent call last):
    ...
    chainrule._expr.ExprError: unknown function '__import__' (column 1)
    """
    if not isinstance(text, str):
        raise ExprError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is too long ({len(text)} characters; the limit is "
                        f"{MAX_LENGTH})")
    if not text.strip():
        raise ExprError("the expression is empty")
    known = functions()
    code: list = []
    variables: dict[str, None] = {}  # a dict keeps the order of first appearance
    # Operator stack entries: ("bin", op, pos), ("neg", pos), ("pos", pos), or an open
    # parenthesis ("(", pos, call) where call is None or [function name, argument count].
    ops: list = []
    depth = 0
    expect_operand = True

    def emit(entry: tuple) -> None:
        """Appends an operator to the code, folding it when its operands are constants."""
        if entry[0] == "pos":
            return  # unary plus changes nothing
        if entry[0] == "neg":
            if code and code[-1][0] == "num":
                code[-1] = ("num", -code[-1][1])
            else:
                code.append(("neg",))
            return
        op, pos = entry[1], entry[2]
        if op == "**" and code and code[-1][0] == "num" and abs(code[-1][1]) > MAX_EXPONENT:
            raise ExprError(f"the exponent {_short(repr(code[-1][1]))} is too large (the limit "
                            f"is {MAX_EXPONENT} in magnitude; column {pos})")
        if len(code) >= 2 and code[-1][0] == "num" and code[-2][0] == "num":
            b = code.pop()[1]
            code[-1] = ("num", _fold(op, code[-1][1], b))
        else:
            code.append(("bin", op))

    def close_group(tok: _Token) -> list | None:
        """Emits operators down to the innermost open parenthesis and removes it."""
        while ops and ops[-1][0] != "(":
            emit(ops.pop())
        if not ops:
            raise ExprError(f"unmatched ')' (column {tok.pos})")
        return ops.pop()[2]

    stream = _tokens(text)
    tok = next(stream, None)
    while tok is not None:
        nxt = next(stream, None)
        kind, t = tok.kind, tok.text
        if kind in ("number", "name") and not expect_operand:
            hint = " (a product needs *, as in 2*x)" if kind == "name" else ""
            raise ExprError(f"unexpected {'number' if kind == 'number' else 'name'} "
                            f"{_short(t)!r} (column {tok.pos}){hint}")
        if kind == "number":
            code.append(("num", _number(tok)))
            expect_operand = False
        elif kind == "name":
            if keyword.iskeyword(t):
                raise ExprError(f"{t!r} is a Python keyword, not part of the expression language "
                                f"(column {tok.pos})")
            if t.startswith("__"):
                raise ExprError(f"unknown function {_short(t)!r} (column {tok.pos})"
                                if nxt is not None and nxt.text == "(" else
                                f"names starting with '__' are not allowed (column {tok.pos})")
            if nxt is not None and nxt.text == "(":
                if t not in known:
                    close = difflib.get_close_matches(t, list(known), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise ExprError(f"unknown function {_short(t)!r} (column {tok.pos}){hint}")
                depth += 1
                if depth > MAX_DEPTH:
                    raise ExprError(f"the expression is nested too deeply (more than {MAX_DEPTH} "
                                    f"levels; column {nxt.pos})")
                ops.append(("(", nxt.pos, [t, 1]))
                nxt = next(stream, None)  # the call's "(" is consumed with its name
            elif t in known:
                raise ExprError(f"{t!r} is a function: call it as {t}(...) (column {tok.pos})")
            elif t in _CONSTANTS:
                code.append(("num", _CONSTANTS[t]))
                expect_operand = False
            else:
                variables.setdefault(t)
                code.append(("var", t))
                expect_operand = False
        elif t == "(":
            if not expect_operand:
                raise ExprError(f"unexpected '(' (column {tok.pos}): only functions can be "
                                "called, and a product needs *")
            depth += 1
            if depth > MAX_DEPTH:
                raise ExprError(f"the expression is nested too deeply (more than {MAX_DEPTH} "
                                f"levels; column {tok.pos})")
            ops.append(("(", tok.pos, None))
        elif t == ")":
            if expect_operand:
                top = ops[-1] if ops else None
                if top is not None and top[0] == "(" and top[2] is not None and top[2][1] == 1:
                    name = top[2][0]
                    raise ExprError(f"{name}() needs {known[name]} argument"
                                    f"{'s' if known[name] > 1 else ''} (column {tok.pos})")
                raise ExprError(f"unexpected ')' (column {tok.pos})"
                                if top is None or top[0] != "(" or top[2] is not None else
                                f"empty parentheses (column {tok.pos})")
            call = close_group(tok)
            depth -= 1
            if call is not None:
                name, argc = call
                if argc != known[name]:
                    raise ExprError(f"{name}() takes {known[name]} argument"
                                    f"{'s' if known[name] > 1 else ''}, got {argc} "
                                    f"(column {tok.pos})")
                if name in _AS_OPERATOR:
                    emit(("bin", _AS_OPERATOR[name], tok.pos))
                else:
                    code.append(("call", name, argc))
            expect_operand = False
        elif t == ",":
            if expect_operand:
                raise ExprError(f"unexpected ',' (column {tok.pos})")
            while ops and ops[-1][0] != "(":
                emit(ops.pop())
            if not ops or ops[-1][2] is None:
                raise ExprError(f"',' outside a function's arguments (column {tok.pos})")
            ops[-1][2][1] += 1
            expect_operand = True
        elif expect_operand:
            # "+" or "-" where an operand is expected is a sign; prefix operators pop nothing
            if t == "-" or t == "+":
                ops.append(("neg" if t == "-" else "pos", tok.pos))
            else:
                raise ExprError(f"unexpected {t!r} (column {tok.pos})")
        else:
            prec, right = _BINARY_OPS[t]
            while ops and ops[-1][0] != "(":
                top = ops[-1]
                top_prec = _UNARY_PREC if top[0] in ("neg", "pos") else _BINARY_OPS[top[1]][0]
                if top_prec > prec or (top_prec == prec and not right):
                    emit(ops.pop())
                else:
                    break
            ops.append(("bin", t, tok.pos))
            expect_operand = True
        tok = nxt
    if expect_operand:
        raise ExprError("the expression ends too soon: an operand is missing at the end")
    while ops:
        entry = ops.pop()
        if entry[0] == "(":
            raise ExprError(f"'(' is never closed (column {entry[1]})")
        emit(entry)
    return Expr(text, tuple(code), tuple(variables))
