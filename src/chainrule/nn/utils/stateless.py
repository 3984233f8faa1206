"""``functional_call``: run a module with given tensors in place of its parameters and
buffers (``torch.func.functional_call``; also ``torch.nn.utils.stateless``)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["functional_call"]

# what swap_tensor gives back for a name the module did not have
_MISSING: Any = object()


def _untie_named_tensors_map(module: Module, parameters_and_buffers: dict) -> dict:
    """Given tensors for one name of a tied group, the same tensor for all its names."""
    all_named: dict = {}
    all_named.update(module.named_parameters(remove_duplicate=False))
    all_named.update(module.named_buffers(remove_duplicate=False))
    tensor_to_tied_names: dict = {}
    for name, tensor in all_named.items():
        tensor_to_tied_names.setdefault(tensor, set()).add(name)
    tied_names_map: dict = {}
    for tied_names in tensor_to_tied_names.values():
        if len(tied_names) > 1:
            for tied_name in tied_names:
                tied_names_map[tied_name] = tied_names
    given_names = set(parameters_and_buffers)
    given_for_tied = {name for name in given_names if name in tied_names_map}
    for given_name in given_for_tied:
        tied_names = tied_names_map[given_name]
        if len(tied_names & given_for_tied) > 1 and \
                len({parameters_and_buffers[n] for n in tied_names}) != 1:
            raise ValueError(f"functional_call got multiple values for keys "
                             f"{sorted(tied_names)}, which are tied. Consider using "
                             "tie_weights=False")
    untied = parameters_and_buffers.copy()
    for given_name in given_for_tied:
        for tied_name in tied_names_map[given_name]:
            untied[tied_name] = parameters_and_buffers[given_name]
    return untied


def _get_submodule(root: Module, name: str, memo: dict) -> Module:
    if not name:
        return root
    if name in memo:
        return memo[name]
    prefix, dot, attr = name.rpartition(".")
    module = _get_submodule(root, prefix, memo) if dot else root
    try:
        submodule = getattr(module, attr)
    except AttributeError as ex:
        raise AttributeError(f"{module._get_name()} has no attribute `{attr}`") from ex
    if not isinstance(submodule, Module):
        raise TypeError(f"submodule `{name}`: {submodule} is not an instance of "
                        "torch.nn.Module")
    memo[name] = submodule
    return submodule


def _swap_tensor(module: Module, name: str, tensor: Any) -> Any:
    """Puts ``tensor`` (or, for _MISSING, nothing) under ``name``; returns what was there."""
    if tensor is not _MISSING and not isinstance(tensor, Tensor) and tensor is not None:
        raise TypeError(f"{tensor} is not an instance of torch.Tensor")
    if "." in name:
        raise KeyError('tensor name can\'t contain "."')
    if name == "":
        raise KeyError('tensor name can\'t be empty string ""')
    table = module._parameters if name in module._parameters else \
        module._buffers if name in module._buffers else None
    if table is not None:
        orig = table[name]
        if tensor is not _MISSING:
            table[name] = tensor
        else:
            del table[name]
    else:
        orig = getattr(module, name) if hasattr(module, name) else _MISSING
        if orig is not _MISSING and not isinstance(orig, Tensor) and orig is not None:
            raise TypeError(f"attribute `{name}`: {orig} is not an instance of torch.Tensor")
        if tensor is not _MISSING:
            setattr(module, name, tensor)
        elif hasattr(module, name):
            delattr(module, name)
    return orig


def _swap_tensors_dict(root: Module, named: dict, memo: dict) -> dict:
    orig_named: dict = {}
    try:
        for name, tensor in named.items():
            prefix, _, attr = name.rpartition(".")
            orig_named[name] = _swap_tensor(_get_submodule(root, prefix, memo), attr, tensor)
    except Exception:
        _swap_tensors_dict(root, orig_named, memo)
        raise
    return orig_named


@contextlib.contextmanager
def _reparametrize_module(module: Module, parameters_and_buffers: dict,
                          tie_weights: bool = False, strict: bool = False) -> Iterator:
    untied = _untie_named_tensors_map(module, parameters_and_buffers) if tie_weights else \
        parameters_and_buffers
    if strict:
        keys = set(untied)
        valid = {n for n, _ in module.named_parameters(remove_duplicate=False)}
        valid |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing, unexpected = sorted(valid - keys), sorted(keys - valid)
        error_msgs = []
        if unexpected:
            error_msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            error_msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if error_msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(error_msgs)))
    memo: dict = {}
    orig: dict = {}
    try:
        orig = _swap_tensors_dict(module, untied, memo)
        yield
    finally:
        new = _swap_tensors_dict(module, orig, memo)
        parameters_and_buffers.update({k: new[k] for k in parameters_and_buffers if k in new})


def _functional_call(module: Module, parameters_and_buffers: dict, args: Any = None,
                     kwargs: dict | None = None, *, tie_weights: bool = True,
                     strict: bool = False) -> Any:
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **kwargs)


def functional_call(module: Module, parameters_and_buffers: dict, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Deprecated spelling of ``torch.func.functional_call`` (one dict)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)


def func_functional_call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None,
                         kwargs: dict | None = None, *, tie_weights: bool = True,
                         strict: bool = False) -> Any:
    """Runs ``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts``
    (dotted names; a dict or a sequence of dicts) in place of its parameters and buffers,
    restoring them afterwards; gradients flow to the given tensors.

    >>> import chainrule as torch
    >>> model = torch.nn.Linear(2, 1)
    >>> params = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
    >>> torch.func.functional_call(model, params, (torch.tensor([1., 2.]),))
    tensor([3.])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        counts: dict = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts
                                  for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)


func_functional_call.__name__ = "functional_call"
func_functional_call.__qualname__ = "functional_call"
