"""Core speed benchmarks: chainrule side by side with its peers (torch now; NumPy, JAX later).

Run from the repository root::

    python benchmarks/bench_core.py                # full run, prints a Markdown table
    python benchmarks/bench_core.py --quick        # smoke test: fewer, shorter repeats
    python benchmarks/bench_core.py --only lab --only import
    python benchmarks/bench_core.py --markdown benchmarks/latest.md

Every benchmark is one `Bench` record in the list built by `build_benchmarks`: a name, the
chainrule case, a dict of optional peer cases keyed by peer name (``torch``, ``torch-1thread``,
``numpy``, ``jax``; a peer whose library is missing is ``None`` and left out) and a target.
Timed cases use `timeit` with the garbage collector left on (``--no-gc`` turns it off) but
with the objects alive before timing frozen (`gc.freeze`), taking the minimum over repeats of
a loop count calibrated to run about 0.3 s. The script reports and always exits 0 on success,
met targets or not.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

import numpy as np

SRC = Path(__file__).resolve().parent.parent / "src"

try:
    import chainrule
except ImportError:  # running from a checkout without chainrule installed
    sys.path.insert(0, str(SRC))
    import chainrule

PEER_ORDER = ("torch", "torch-1thread", "numpy", "jax")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Settings:
    """How hard to measure: repeats of timed loops, seconds per repeat, import-time runs."""

    repeats: int = 7
    seconds: float = 0.3
    import_runs: int = 7
    gc_on: bool = True  # keep the garbage collector on while timing, as users run it


QUICK = Settings(repeats=3, seconds=0.05, import_runs=3)


@dataclass(frozen=True)
class Case:
    """One way of running a benchmark.

    ``fn`` is timed with `timeit` unless ``measured`` is set, in which case ``fn`` does its own
    measuring and returns microseconds. ``context`` wraps calibration and timing (for example
    to pin torch to one thread). The value ``fn`` returns (gradients) is checked against the
    other cases' before timing.
    """

    fn: Callable[[], object]
    context: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext
    measured: bool = False


@dataclass(frozen=True)
class Target:
    """A goal for chainrule: at least a speedup over each of some peers (``speedups``: peer
    name -> minimum of peer's time / chainrule's), or at most ``max_us``."""

    label: str
    speedups: Mapping[str, float] = field(default_factory=dict)
    max_us: float | None = None

    def met(self, us: Mapping[str, float]) -> bool | None:
        """True when every part is met, False when a part measured is missed, None (n/a)
        when a peer a part needs was not measured."""
        if self.max_us is not None:
            return us["chainrule"] <= self.max_us
        checks = [None if peer not in us else us[peer] / us["chainrule"] >= least
                  for peer, least in self.speedups.items()]
        if False in checks:
            return False
        return None if None in checks or not checks else True


def no_notes() -> list[str]:
    return []


@dataclass(frozen=True)
class Bench:
    """A benchmark: chainrule's case, optional peers' cases (None = unavailable), a target."""

    name: str
    what: str
    chainrule: Case
    peers: Mapping[str, Case | None]
    target: Target
    notes: Callable[[], list[str]] = no_notes


@dataclass
class Result:
    bench: Bench
    us: dict[str, float]  # "chainrule" and each available peer -> microseconds per iteration

    def speedups(self) -> str:
        """Each target peer's time / chainrule's, e.g. ``1.05x numpy, 1.31x torch``."""
        peers = [p for p in self.bench.target.speedups if p in self.us]
        named = len(self.bench.target.speedups) > 1
        parts = [f"{self.us[p] / self.us['chainrule']:.2f}x" + (f" {p}" if named else "")
                 for p in peers]
        return ", ".join(parts) or "n/a"

    @property
    def met(self) -> bool | None:
        return self.bench.target.met(self.us)


# --------------------------------------------------------------------------- libraries


def load_optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def torch_threads(torch: ModuleType, n: int) -> Callable[[], Iterator[None]]:
    @contextlib.contextmanager
    def pinned() -> Iterator[None]:
        before = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)

    return pinned


# --------------------------------------------------------------------------- workloads
# Each maker takes the tensor library (chainrule or torch) and returns the timed function,
# which builds its leaves, runs forward and backward, and returns the gradients it read.


def make_lab(T: ModuleType) -> Callable[[], object]:
    def lab() -> object:
        x = T.tensor(2.0, requires_grad=True)
        y = x**2 + 2 * x + 1
        y.backward()
        return x.grad

    return lab


def make_two_leaves(T: ModuleType) -> Callable[[], object]:
    def two_leaves() -> object:
        u = T.tensor(1.0, requires_grad=True)
        v = T.tensor(2.0, requires_grad=True)
        f = u * v + u**2
        f.backward()
        return u.grad, v.grad

    return two_leaves


CHAIN_OPS = 10_000


def make_chain(T: ModuleType, n_ops: int = CHAIN_OPS) -> Callable[[], object]:
    def chain() -> object:
        x = T.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(n_ops // 2):
            y = y * 1.0001
            y = y + 0.001
        y.backward()
        return x.grad

    return chain


BIG_N = 1_000_000


def big_input() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(BIG_N).astype(np.float32)


def make_big_chain(T: ModuleType) -> Callable[[], object]:
    """(sin(x) * exp(-x**2) + relu(x)).sum() then backward, x of 1,000,000 float32."""
    data = big_input()

    def big_chain() -> object:
        x = T.tensor(data, requires_grad=True)
        y = (T.sin(x) * T.exp(-x**2) + T.relu(x)).sum()
        y.backward()
        return x.grad

    return big_chain


def make_big_chain_numpy() -> Callable[[], object]:
    """The same computation written by hand in NumPy: forward, then the derivative."""
    data = big_input()

    def big_chain_numpy() -> object:
        x = data.copy()  # as tensor(data) copies
        s, e = np.sin(x), np.exp(-x**2)
        y = (s * e + np.maximum(x, 0)).sum()
        # d/dx [sin(x) exp(-x^2) + relu(x)] = cos(x) e - 2x sin(x) e + [x > 0]
        grad = np.cos(x) * e - 2 * x * (s * e) + (x > 0)
        del y
        return grad

    return big_chain_numpy


MLP_SIZES = (784, 512, 256, 10)
MLP_BATCH = 128
MLP_LR = 0.01


def mlp_data() -> tuple:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, MLP_SIZES[-1], MLP_BATCH)
    weights = []
    for n_in, n_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        bound = 1 / np.sqrt(n_in)
        weights.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32))
        weights.append(rng.uniform(-bound, bound, n_out).astype(np.float32))
    return x, y, weights


def make_mlp(T: ModuleType) -> Callable[[], object] | None:
    """One SGD step of a 784-512-256-10 network on a batch of 128 with cross-entropy."""
    F = getattr(getattr(T, "nn", None), "functional", None)
    if F is None or not hasattr(F, "cross_entropy") or not hasattr(F, "linear"):
        return None
    x_np, y_np, w_np = mlp_data()
    x, y = T.tensor(x_np), T.tensor(y_np)
    params = [T.tensor(w.copy(), requires_grad=True) for w in w_np]

    def step() -> object:
        h = x
        for i in range(0, len(params) - 2, 2):
            h = T.relu(F.linear(h, params[i], params[i + 1]))
        loss = F.cross_entropy(F.linear(h, params[-2], params[-1]), y)
        loss.backward()
        with T.no_grad():
            for p in params:
                p -= MLP_LR * p.grad
                p.grad = None
        return loss.detach()

    return step


def make_mlp_numpy() -> Callable[[], object]:
    """The same step by hand: forward, hand-derived backward, SGD."""
    x, y, w_np = mlp_data()
    params = [w.copy() for w in w_np]
    onehot = np.eye(MLP_SIZES[-1], dtype=np.float32)[y]

    def step() -> object:
        acts = [x]
        h = x
        for i in range(0, len(params) - 2, 2):
            h = np.maximum(h @ params[i].T + params[i + 1], 0)
            acts.append(h)
        logits = h @ params[-2].T + params[-1]
        z = logits - logits.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(log_p * onehot).sum() / MLP_BATCH
        # d loss / d logits = (softmax - onehot) / batch; back through each layer
        g = (np.exp(log_p) - onehot) / MLP_BATCH
        grads = []
        for layer in range(len(params) // 2 - 1, -1, -1):
            a = acts[layer]
            grads.append((g.T @ a, g.sum(axis=0)))
            if layer:
                g = (g @ params[2 * layer]) * (a > 0)
        for layer, (gw, gb) in enumerate(reversed(grads)):
            params[2 * layer] -= MLP_LR * gw
            params[2 * layer + 1] -= MLP_LR * gb
        return np.float32(loss)

    return step


HESS_N = 200
JAC_N = 100


def _hess_f(T: ModuleType) -> Callable:
    return lambda x: (T.sin(x) * x**3).sum()


def _jac_f(T: ModuleType) -> Callable:
    w = np.random.default_rng(1).standard_normal((JAC_N, JAC_N)).astype(np.float32) / 10

    def f(x: object) -> object:
        return T.tanh(T.tensor(w) @ x) * x

    return f


def _point(n: int) -> np.ndarray:
    return np.linspace(-1, 1, n, dtype=np.float32)


def make_hessian(T: ModuleType, how: str = "functional") -> Callable[[], object]:
    """The Hessian of sum(sin(x) * x**3) at 200 points: autograd.functional (defaults or
    vectorize=True) or torch.func."""
    f, x = _hess_f(T), _point(HESS_N)
    if how == "func":
        return lambda: T.func.hessian(f)(T.tensor(x))
    vectorize = how == "vectorize"
    return lambda: T.autograd.functional.hessian(f, T.tensor(x), vectorize=vectorize)


def make_jacobian(T: ModuleType, how: str = "functional") -> Callable[[], object]:
    """The Jacobian of tanh(W x) * x, R^100 -> R^100."""
    f, x = _jac_f(T), _point(JAC_N)
    if how == "func":
        return lambda: T.func.jacrev(f)(T.tensor(x))
    vectorize = how == "vectorize"
    return lambda: T.autograd.functional.jacobian(f, T.tensor(x), vectorize=vectorize)


def jax_case(kind: str) -> Case | None:
    jax = load_optional("jax")
    if jax is None:
        return None
    jnp = jax.numpy
    if kind == "hessian":
        fn = jax.jit(jax.hessian(lambda x: (jnp.sin(x) * x**3).sum()))
        x = jnp.asarray(_point(HESS_N))
    else:
        w = jnp.asarray(np.random.default_rng(1).standard_normal((JAC_N, JAC_N))
                        .astype(np.float32) / 10)
        fn = jax.jit(jax.jacrev(lambda x: jnp.tanh(w @ x) * x))
        x = jnp.asarray(_point(JAC_N))
    return Case(lambda: np.asarray(fn(x).block_until_ready()))


# --------------------------------------------------------------------------- import time

IMPORT_PROBE = (
    "import time\n"
    "{pre}"
    "t = time.perf_counter()\n"
    "import {module}\n"
    "print(time.perf_counter() - t)\n"
)


def child_env() -> dict[str, str]:
    """Environment for child interpreters: make `import chainrule` resolve as it does here."""
    env = dict(os.environ)
    # an installed package imports from cached bytecode; measure that, not compilation
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if str(SRC) in sys.path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def import_seconds(module: str, preload: str | None) -> float:
    """Wall time of `import module` in one fresh interpreter, after importing ``preload``."""
    pre = f"import {preload}\n" if preload else ""
    code = IMPORT_PROBE.format(pre=pre, module=module)
    out = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


# probe name -> (module timed, module imported before the clock starts)
IMPORT_PROBES = {
    "numpy": ("numpy", None),
    "chainrule after numpy": ("chainrule", "numpy"),
    "chainrule cold": ("chainrule", None),
    "torch after numpy": ("torch", "numpy"),
    "torch cold": ("torch", None),
}


class ImportTimes:
    """Import times, measured once on first use: medians over rounds of fresh interpreters.

    The probes are interleaved round by round (after one discarded warm-up round) so that a
    burst of load on the machine hits all of them alike.
    """

    def __init__(self, settings: Settings, with_torch: bool) -> None:
        self.settings = settings
        self.probes = {k: v for k, v in IMPORT_PROBES.items() if with_torch or "torch" not in k}
        self.s: dict[str, float] = {}

    def seconds(self, key: str) -> float:
        if not self.s:
            self.s = self.measure_all()
        return self.s[key]

    def measure_all(self) -> dict[str, float]:
        samples: dict[str, list[float]] = {key: [] for key in self.probes}
        for round_ in range(self.settings.import_runs + 1):
            for key, (module, preload) in self.probes.items():
                seconds = import_seconds(module, preload)
                if round_:
                    samples[key].append(seconds)
        return {key: statistics.median(times) for key, times in samples.items()}

    def chainrule_us(self) -> float:
        return 1e6 * self.seconds("chainrule after numpy")

    def torch_us(self) -> float:
        return 1e6 * self.seconds("torch after numpy")

    def notes(self) -> list[str]:
        ms = {key: 1e3 * self.seconds(key) for key in self.probes}
        lines = [
            f"import: medians of {self.settings.import_runs} fresh interpreters each. "
            f"chainrule row = `import chainrule` with numpy already imported "
            f"({ms['chainrule after numpy']:.1f} ms). Cross-check: `import numpy` "
            f"{ms['numpy']:.1f} ms, cold `import chainrule` {ms['chainrule cold']:.1f} ms, "
            f"difference {ms['chainrule cold'] - ms['numpy']:.1f} ms."
        ]
        if "torch cold" in ms:
            lines.append(
                f"import: torch column = `import torch` with numpy already imported "
                f"({ms['torch after numpy']:.1f} ms); cold `import torch` "
                f"{ms['torch cold']:.1f} ms."
            )
        return lines


# --------------------------------------------------------------------------- the list


def build_benchmarks(settings: Settings) -> list[Bench]:
    """All benchmarks. Add new ones here; peers map to None when their library is missing."""
    torch = load_optional("torch")

    def peers(make: Callable[[ModuleType], Callable[[], object]]) -> dict[str, Case | None]:
        return {"torch": Case(make(torch)) if torch else None}

    def big_peers(make: Callable[[ModuleType], Callable[[], object] | None],
                  by_hand: Callable[[], object]) -> dict[str, Case | None]:
        # each peer its own state: a training step changes its parameters
        default, single = (make(torch), make(torch)) if torch else (None, None)
        return {"torch": Case(default) if default else None,
                "torch-1thread": Case(single, context=torch_threads(torch, 1)) if single else None,
                "numpy": Case(by_hand)}

    imports = ImportTimes(settings, with_torch=torch is not None)
    speedup_5 = Target(">= 5x torch", {"torch": 5.0})
    # "within 1.2x of NumPy by hand" is a speedup of at least 1/1.2 over it; "faster than
    # torch" is faster than torch with its default threads and with one
    near_numpy = Target("<= 1.2x numpy by hand, faster than torch (both)",
                        {"numpy": 1 / 1.2, "torch": 1.0, "torch-1thread": 1.0})
    mlp = make_mlp(chainrule)
    extra = [
        Bench("chain_1m", "(sin(x)*exp(-x**2) + relu(x)).sum() and backward, 1e6 float32",
              Case(make_big_chain(chainrule)), big_peers(make_big_chain, make_big_chain_numpy()),
              near_numpy),
    ]
    for name, maker, kind in (("hessian_200", make_hessian, "hessian"),
                              ("jacobian_100", make_jacobian, "jacobian")):
        extra.append(Bench(
            name, f"the {kind} by autograd.functional (chainrule) beside torch's "
            "autograd.functional with its defaults and vectorize=True, torch.func and JAX",
            Case(maker(chainrule)),
            {"torch": Case(maker(torch)) if torch else None,
             "torch-vectorize": Case(maker(torch, "vectorize")) if torch else None,
             "torch.func": Case(maker(torch, "func")) if torch else None,
             "jax": jax_case(kind)},
            Target(">= 5x torch defaults, no slower than torch.func",
                   {"torch": 5.0, "torch.func": 1.0})))
    if mlp is not None:
        extra.append(Bench("mlp_step", "784-512-256-10 network, batch 128: cross-entropy, "
                           "backward, SGD", Case(mlp), big_peers(make_mlp, make_mlp_numpy()),
                           near_numpy))
    return [
        Bench("lab", "x**2 + 2*x + 1 from leaf creation to reading x.grad",
              Case(make_lab(chainrule)), peers(make_lab), speedup_5),
        Bench("two_leaves", "u*v + u**2, backward, read u.grad and v.grad",
              Case(make_two_leaves(chainrule)), peers(make_two_leaves), speedup_5),
        Bench("chain_10k", f"{CHAIN_OPS:,} alternating scalar * and + ops, then backward",
              Case(make_chain(chainrule)), peers(make_chain),
              Target(">= 4x torch", {"torch": 4.0})),
        Bench("import", "import chainrule's own cost (numpy already imported); torch alike",
              Case(imports.chainrule_us, measured=True),
              {"torch": Case(imports.torch_us, measured=True) if torch else None},
              Target("<= 50 ms over numpy", max_us=50_000.0), notes=imports.notes),
    ] + extra


# --------------------------------------------------------------------------- measuring


# between two cases' turns: BLAS and OpenMP worker threads spin for a while after a call, and
# would take a core from the next case
SETTLE_SECONDS = 0.2


def time_cases(cases: Mapping[str, Case], settings: Settings) -> dict[str, float]:
    """Microseconds per call of each case's ``fn``: the minimum over repeats of a calibrated
    loop. The cases take turns, one repeat each per round, so that a burst of load on the
    machine (this VM's timings drift by up to 2x) hits all of them alike instead of whichever
    case it falls on; before each turn the previous case's threads are left to go idle and
    the case runs once untimed."""
    us = {name: float(case.fn()) for name, case in cases.items()  # type: ignore[arg-type]
          if case.measured}
    timed = {name: case for name, case in cases.items() if not case.measured}
    setup = "gc.enable()" if settings.gc_on else "pass"
    timers = {name: timeit.Timer(case.fn, setup=setup) for name, case in timed.items()}
    numbers = {}
    for name, case in timed.items():
        with case.context():
            numbers[name] = calibrate(timers[name], settings.seconds)
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(settings.repeats):
        for name, case in timed.items():
            with case.context():
                time.sleep(SETTLE_SECONDS)
                case.fn()
                best[name] = min(best[name], timers[name].timeit(numbers[name]))
    us.update({name: 1e6 * best[name] / numbers[name] for name in timed})
    return us


def calibrate(timer: timeit.Timer, seconds: float) -> int:
    """Loop count making one repeat last about ``seconds`` (at least one call)."""
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= seconds / 5 or number >= 10**7:
            return max(1, round(number * seconds / max(elapsed, 1e-9)))
        number *= 10


def to_floats(value: object) -> np.ndarray:
    """Gradients as a flat float array, whatever library produced them."""
    items = value if isinstance(value, tuple | list) else (value,)
    parts = [np.asarray(item.detach().numpy() if hasattr(item, "detach") else item,
                        dtype=np.float64).ravel() for item in items]
    return np.concatenate(parts)


def check_agreement(bench: Bench) -> None:
    """Refuse to time cases that compute different gradients from chainrule's."""
    if bench.chainrule.measured:
        return
    expected = to_floats(bench.chainrule.fn())
    for name, case in bench.peers.items():
        if case is None:
            continue
        with case.context():
            got = to_floats(case.fn())
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
            raise AssertionError(f"{bench.name}: {name} gave {got}, chainrule gave {expected}")


def settle_gc() -> None:
    """Move every object alive now (imported modules: torch adds ~150k) to the permanent
    generation, so each workload's collections traverse only what it allocates itself, not
    the other library's import-time objects. Both libraries are treated alike."""
    gc.collect()
    gc.freeze()


def run_bench(bench: Bench, settings: Settings) -> Result:
    check_agreement(bench)
    settle_gc()
    cases = {"chainrule": bench.chainrule,
             **{name: case for name, case in bench.peers.items() if case is not None}}
    return Result(bench, time_cases(cases, settings))


# --------------------------------------------------------------------------- reporting


def fmt_us(us: float | None) -> str:
    if us is None:
        return "n/a"
    return f"{us:,.0f}" if us >= 100 else f"{us:.2f}"


def fmt_met(met: bool | None) -> str:
    return {True: "yes", False: "no", None: "n/a"}[met]


def peer_columns(results: list[Result]) -> list[str]:
    """Peers with a number in at least one row, torch first; torch always listed."""
    present = {name for r in results for name in r.us if name != "chainrule"}
    return [p for p in PEER_ORDER if p in present or p == "torch"] + sorted(
        present - set(PEER_ORDER))


def markdown_table(results: list[Result]) -> str:
    peers = peer_columns(results)
    header = ["benchmark", "chainrule (us)", *(f"{p} (us)" for p in peers),
              "speedup", "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in results:
        speedup = r.speedups()
        cells = [r.bench.name, fmt_us(r.us["chainrule"]), *(fmt_us(r.us.get(p)) for p in peers),
                 speedup, r.bench.target.label, fmt_met(r.met)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def environment_line() -> str:
    torch = sys.modules.get("torch")
    torch_part = (f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
                  if torch else "torch not installed")
    return (f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"chainrule {getattr(chainrule, '__version__', '?')}, {torch_part}, "
            f"{os.cpu_count()} CPUs")


def report(results: list[Result], settings: Settings) -> str:
    notes = [n for r in results for n in r.bench.notes()]
    parts = [
        markdown_table(results),
        "",
        environment_line(),
        "speedup = target peer's time / chainrule's time (higher is better for chainrule).",
        f"Timed rows: min over {settings.repeats} repeats of ~{settings.seconds:g} s loops, "
        f"garbage collector {'on (pre-existing objects frozen)' if settings.gc_on else 'off'}.",
        *notes,
    ]
    if sys.modules.get("torch") is None:
        parts.append("torch is not installed: chainrule's numbers only.")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    parser.add_argument("--no-gc", action="store_true",
                        help="time with the garbage collector off (timeit's default)")
    parser.add_argument("--markdown", metavar="PATH", help="also write the report to PATH")
    parser.add_argument("--only", metavar="NAME", action="append", default=[],
                        help="run only this benchmark (repeatable, or comma-separated)")
    return parser.parse_args(argv)


def select(benches: list[Bench], only: list[str]) -> list[Bench]:
    wanted = [name for item in only for name in item.split(",") if name]
    known = {b.name for b in benches}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {sorted(known)}")
    return [b for b in benches if not wanted or b.name in wanted]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = replace(QUICK if args.quick else Settings(), gc_on=not args.no_gc)
    benches = select(build_benchmarks(settings), args.only)
    results = []
    for bench in benches:
        print(f"running {bench.name}: {bench.what} ...", file=sys.stderr, flush=True)
        results.append(run_bench(bench, settings))
    text = report(results, settings)
    print(text, end="")
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
