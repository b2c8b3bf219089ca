"""trafilatura's extractor (trafilatura.core.extract), imported without what extracting a page
never runs: `import trafilatura` loads its downloader (urllib3, certifi, ssl), and its modules
import courlan (a TLD list, urllib3 again), htmldate (dateutil), charset_normalizer and jusText at
their top; together ~2/3 of the cost of importing trafilatura, paid by every `veille-tui extract`
process. What the extraction uses of them: nothing, with a parsed tree, no metadata and no URL
given (extract.py makes links absolute itself); jusText on the rare page it rescues.

So, while trafilatura.core is imported (once, under a lock), those modules are stand-ins whose
names load the real module when first called (a call to jusText imports jusText then); the
stand-ins are out of sys.modules again as soon as the import is done, so any later `import
courlan` gets the real one. `trafilatura` itself is a package whose __init__ runs at the first
name asked of it that its submodules did not set (`trafilatura.fetch_url`): the whole package,
as `import trafilatura` gives it. When trafilatura is already imported, or anything in this goes
wrong (a trafilatura that imports otherwise), it is the plain `import trafilatura`."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

# the modules trafilatura's extraction modules import at their top and the extraction does not run
DEFERRED = (
    "charset_normalizer",
    "courlan",
    "htmldate",
    "justext",
    "justext.core",
    "justext.utils",
    "urllib3",
    "urllib3.response",
)

_lock = threading.Lock()


def extractor() -> Callable[..., str | None]:
    """trafilatura.core.extract (trafilatura.extract)."""
    core = sys.modules.get("trafilatura.core")
    if core is None:
        with _lock:
            core = sys.modules.get("trafilatura.core") or _import()
    return core.extract  # type: ignore[no-any-return]


def _import() -> types.ModuleType:
    if "trafilatura" in sys.modules:
        return importlib.import_module("trafilatura.core")
    before = set(sys.modules)
    try:
        return _import_lean()
    except Exception:  # noqa: BLE001  (a trafilatura that imports otherwise: the plain import)
        for name in set(sys.modules) - before:
            if name == "trafilatura" or name.startswith("trafilatura.") or name in DEFERRED:
                del sys.modules[name]
        return importlib.import_module("trafilatura.core")


def _import_lean() -> types.ModuleType:
    spec = importlib.util.find_spec("trafilatura")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError("trafilatura is not a package here")
    package = _Package("trafilatura", spec)
    stand_ins = {name: _StandIn(name) for name in DEFERRED if name not in sys.modules}
    sys.modules.update(stand_ins)
    sys.modules["trafilatura"] = package
    # what trafilatura's __init__ does first: its warnings ("empty link"...) are not printed
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())
    try:
        return importlib.import_module("trafilatura.core")
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


class _Package(types.ModuleType):
    """The trafilatura package, its submodules importable before its __init__ has run; the
    __init__ runs (in this module) when a name it would set is first asked for."""

    def __init__(self, name: str, spec: importlib.machinery.ModuleSpec) -> None:
        super().__init__(name)
        self.__spec__ = spec
        self.__path__ = list(spec.submodule_search_locations or ())
        self.__file__ = spec.origin
        self.__package__ = name
        self.__loader__ = spec.loader
        self._veille_init = threading.Lock()

    def __getattr__(self, attr: str) -> Any:
        if attr == "_veille_init":
            raise AttributeError(attr)
        with self._veille_init:
            if not self.__dict__.get("_veille_ran"):
                self.__dict__["_veille_ran"] = True
                self.__spec__.loader.exec_module(self)  # type: ignore[union-attr]
        try:
            return self.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module 'trafilatura' has no attribute {attr!r}") from None


class _StandIn(types.ModuleType):
    """A module of DEFERRED while trafilatura.core is imported: each name asked of it is a _Later
    (a class where one is needed: urllib3's HTTPResponse, for isinstance and a type alias)."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr == "HTTPResponse":  # trafilatura.utils: isinstance(x, HTTPResponse), then hasattr(x, "data")
            return type("HTTPResponse", (), {"__module__": self.__name__})
        return _Later(self.__name__, attr)


class _Later:
    """A name of a deferred module: its module imported, for real, when it is first used."""

    __slots__ = ("_module", "_name", "_target")

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name
        self._target: Any = None

    def _real(self) -> Any:
        if self._target is None:
            self._target = getattr(importlib.import_module(self._module), self._name)
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._real()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._real(), attr)

    def __repr__(self) -> str:
        return f"<{self._module}.{self._name}, imported when first used>"
