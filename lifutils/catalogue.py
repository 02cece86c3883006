"""One small catalogue type for every list a reader may extend.

The methods (:data:`lifutils.methods.REGISTRY`), the population approaches
(:data:`lifutils.populations.APPROACHES`), the gallery's model families
(:data:`lifutils.gallery.FAMILIES`) and the dashboards
(:data:`lifutils.widgets.catalogue.DASHBOARDS`) are each a :class:`Catalogue`:
a read-only, ordered mapping key -> entry (a frozen dataclass with a ``key``),
built from a literal declaration of the built-in entries, which ``add`` extends
for a user or a notebook and ``remove`` shrinks. Everything that lists one of
them iterates the catalogue, so a new entry shows up everywhere.

Three rules keep a catalogue predictable:

* **Declared, not discovered.** The built-ins are the tuple handed to the
  constructor, in the order they are shown; import order decides nothing.
* **One step.** ``add`` and ``remove`` build the new mapping, then assign it:
  a reader never sees a half-updated catalogue, and a refused entry leaves it
  as it was.
* **Reload-safe.** Adding an entry again under its key with the same
  *callable* (same module and qualified name, as a reload of its module or a
  notebook cell run twice makes) replaces it in place; another entry under a
  taken key is refused. A module that declares a catalogue binds it with
  :func:`declare`, so that ``importlib.reload`` (``%autoreload``) keeps the
  catalogue object the other modules imported, with the new declaration and
  the entries users added.

A callable may be given as ``"package.module:function"`` text, imported when it
is first called (:func:`resolve`): the declaration can then name runners in
modules that import the catalogue's own module, without a circular import, and
a reload of the runner's module is seen at once.

This module imports nothing of lifutils but its errors.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Colour:
...     key: str
...     hex: str
>>> colours = Catalogue("colour", (Colour("ink", "#000000"),))
>>> colours.add(Colour("sky", "#4A9AC7")).hex, list(colours)
('#4A9AC7', ['ink', 'sky'])
>>> colours.add(Colour("sky", "#FFFFFF"))
Traceback (most recent call last):
...
lifutils.errors.LifutilsError: a colour with key 'sky' is registered already (remove it first)
>>> colours.remove("sky").key, list(colours), colours.built_in
('sky', ['ink'], ('ink',))
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from .errors import LifutilsError

__all__ = ["Catalogue", "Snapshot", "declare", "resolve", "qualified_name", "is_import_path", "is_entry"]


def is_entry(entry, cls) -> bool:
    """Whether ``entry`` is a ``cls``, or one made before its module was reloaded (a class
    of the same module and qualified name: a notebook's ``Method`` after ``%autoreload``)."""
    kind = type(entry)
    return isinstance(entry, cls) or (kind.__module__, kind.__qualname__) == \
        (cls.__module__, cls.__qualname__)


def is_import_path(target) -> bool:
    """Whether ``target`` is ``"package.module:name"`` text (dotted identifiers both sides)."""
    if not isinstance(target, str) or target.count(":") != 1:
        return False
    module, name = target.split(":")
    return all(part.isidentifier() for part in (*module.split("."), *name.split(".")))


def resolve(target) -> Callable:
    """The callable ``target`` names: itself, or ``"package.module:name"`` imported now.

    Examples
    --------
    >>> resolve("lifutils.errors:LifutilsError").__name__
    'LifutilsError'
    """
    if callable(target):
        return target
    if not is_import_path(target):
        raise LifutilsError(f"a callable or 'package.module:name' text is needed, got {target!r}")
    module, name = target.split(":")
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not (exc.name == module or module.startswith(f"{exc.name}.")):  # raised inside it
            raise
        raise LifutilsError(f"{target!r} names module {module!r}, which cannot be imported "
                            f"({exc})") from exc
    for part in name.split("."):
        found = getattr(found, part, None)
    if not callable(found):
        raise LifutilsError(f"{target!r} names nothing callable")
    return found


def qualified_name(target):
    """``(module, qualified name)`` of a callable or of ``"module:name"`` text; None for
    a callable without them (a functools.partial, an instance)."""
    if is_import_path(target):
        return tuple(target.split(":"))
    module, name = getattr(target, "__module__", None), getattr(target, "__qualname__", None)
    return None if module is None or name is None else (module, name)


class Snapshot(Mapping):
    """A read-only mapping whose contents (``_entries``, a dict) are replaced in one step."""

    _entries: dict = {}

    def __getitem__(self, key):
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)


class Catalogue(Snapshot):
    """An ordered, read-only mapping key -> entry, built from a declaration, extended by ``add``.

    Parameters
    ----------
    what : str
        What an entry is, for messages (``"method"``, ``"approach"`` ...).
    built_in : iterable
        The declared entries, each with a ``key`` (a Python identifier), in
        their order.
    callable_field : str
        The entry's field holding its callable (``"runner"``, ``"builder"``
        ...): an entry added again with the same key and a callable of the same
        qualified name replaces the old one (a reload).
    check : callable, optional
        ``check(entry, others) -> entry``: refuses a bad entry (LifutilsError)
        and fills in what it left out; ``others`` are the entries already there
        (all but one under the same key), the built-ins before the added ones.
    order : callable, optional
        A sort key: the catalogue stays sorted by it (stably); by default
        entries keep the order they came in.
    """

    def __init__(self, what, built_in=(), *, callable_field="runner", check=None, order=None):
        self.what = what
        self.callable_field = callable_field
        self._check = check
        self._order = order
        self._entries = {}
        for entry in built_in:
            self.add(entry)
        self._built_in = tuple(self._entries)

    def __repr__(self):
        return f"Catalogue({self.what!r}: {', '.join(self._entries)})"

    @property
    def built_in(self) -> tuple:
        """The keys of the declared entries (in the catalogue or taken out)."""
        return self._built_in

    def added(self) -> list:
        """The entries that were not declared (a user's, a notebook's), in order."""
        return [e for k, e in self._entries.items() if k not in self._built_in]

    # -- changing
    def add(self, entry):
        """Add ``entry`` (or replace the same entry added again) and return it, checked.

        Raises
        ------
        LifutilsError
            If its key is not an identifier, or is taken by another entry, or
            ``check`` refuses it.
        """
        key = getattr(entry, "key", None)
        if not (isinstance(key, str) and key.isidentifier()):
            raise LifutilsError(f"a {self.what}'s key must be a Python identifier, got {key!r}")
        old = self._entries.get(key)
        if old is not None and not self._same(old, entry):
            raise LifutilsError(f"a {self.what} with key {key!r} is registered already "
                                "(remove it first)")
        others = [e for k, e in self._entries.items() if k != key]
        if self._check is not None:
            entry = self._check(entry, others)
        new = {k: (entry if k == key else e) for k, e in self._entries.items()}
        new.setdefault(key, entry)
        if self._order is not None:
            new = dict(sorted(new.items(), key=lambda item: self._order(item[1])))
        self._entries = new  # one step
        return entry

    def remove(self, key):
        """Take entry ``key`` out and return it."""
        if not isinstance(key, str) or key not in self._entries:
            raise LifutilsError(f"key must be one of {list(self._entries)}, got {key!r}")
        entry = self._entries[key]
        self._entries = {k: e for k, e in self._entries.items() if k != key}
        return entry

    def _same(self, old, new) -> bool:
        """The same entry added again: same type name and callable of the same qualified name."""
        where = qualified_name(getattr(old, self.callable_field, None))
        return (type(old).__qualname__ == type(new).__qualname__ and where is not None
                and where == qualified_name(getattr(new, self.callable_field, None)))

    def _adopt(self, other):
        """Take ``other``'s declaration, rules and entries (see :func:`declare`)."""
        self.__dict__.update(other.__dict__)


def declare(namespace, name, catalogue):
    """Bind a module's catalogue, keeping its identity across reloads.

    On the first import this returns ``catalogue``. When the module is
    reloaded, ``namespace[name]`` still holds the catalogue of the last load,
    which other modules imported: that one is returned, holding the new
    declaration (with the new runners) and the entries that users had added.

    Use it as ``REGISTRY = declare(globals(), "REGISTRY", Catalogue(...))``.
    """
    old = namespace.get(name)
    if old is None or not hasattr(old, "_adopt") or old is catalogue:
        return catalogue
    for entry in old.added():
        if entry.key not in catalogue:
            catalogue.add(entry)
    old._adopt(catalogue)
    return old
