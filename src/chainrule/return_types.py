"""Named tuples that ops return, printed as torch prints its ``torch.return_types``."""

from __future__ import annotations

from typing import Any


def _structseq(name: str, fields: tuple) -> type:
    def __new__(cls: type, values: Any) -> Any:  # noqa: N807
        values = tuple(values)
        if len(values) != len(fields):
            raise TypeError(f"torch.return_types.{name}() takes a {len(fields)}-sequence "
                            f"({len(values)}-sequence given)")
        return tuple.__new__(cls, values)

    def __repr__(self: tuple) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self: tuple) -> tuple:
        return (cls, (tuple(self),))

    attrs: dict = {"__new__": __new__, "__repr__": __repr__, "__reduce__": __reduce__,
                   "__slots__": (), "_fields": fields, "n_fields": len(fields),
                   "n_sequence_fields": len(fields), "n_unnamed_fields": 0,
                   "__module__": "torch.return_types"}
    for i, f in enumerate(fields):
        attrs[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    cls = type(name, (tuple,), attrs)
    return cls


max = _structseq("max", ("values", "indices"))  # noqa: A001
min = _structseq("min", ("values", "indices"))  # noqa: A001
sort = _structseq("sort", ("values", "indices"))
topk = _structseq("topk", ("values", "indices"))
median = _structseq("median", ("values", "indices"))
nanmedian = _structseq("nanmedian", ("values", "indices"))
mode = _structseq("mode", ("values", "indices"))
kthvalue = _structseq("kthvalue", ("values", "indices"))
cummax = _structseq("cummax", ("values", "indices"))
cummin = _structseq("cummin", ("values", "indices"))
aminmax = _structseq("aminmax", ("min", "max"))
var_mean = _structseq("var_mean", ("var", "mean"))  # torch returns a plain tuple; kept for use
slogdet = _structseq("slogdet", ("sign", "logabsdet"))
linalg_slogdet = _structseq("linalg_slogdet", ("sign", "logabsdet"))
linalg_svd = _structseq("linalg_svd", ("U", "S", "Vh"))
svd = _structseq("svd", ("U", "S", "V"))
