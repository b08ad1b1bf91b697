"""Compiled objectives and the on-disk kernel cache.  Imports NumPy and Numba, never SymPy.

A kernel cache entry is a directory ``<cache>/kernels/<entry>/`` holding one generated module
per kernel (``f.py``, ``g.py``, ``fg.py``, ``f_cols.py``, ``g_cols.py``, ``fg_cols.py``, see
:mod:`landscape.kernel_types`) and ``meta.json`` (variables, data columns, formula, and the
SHA-256 of every module).  The Hessian kernel ``h.py`` is generated only when a method or an
analysis first asks for it (second derivatives of a large formula cost far more than the
first), into an entry of its own keyed ``<key>|h`` (:func:`hessian_key`), and so is the
kernel ``matrix.py`` of an n × n matrix a method declares in place of the Hessian (the
function building its entries from the formula is the method's; the entry's key
``<key>|matrix:<function>:<digest>`` names that function and the SHA-256 of its module's
source, :func:`matrix_tag`, so an edit of the function regenerates the kernel);
entries are never modified once written.  Entries are written to a private temporary
directory and renamed into place, so a reader never sees half an entry and two writers of the
same entry both end up using one complete copy.  Numba's own cache (``cache=True``) lives in
the entry's ``__pycache__``, so a later process loads the machine code without compiling, and
without importing SymPy when the formula text is known (:func:`landscape.loader.load_formula`).

The cache location is ``$LANDSCAPE_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/landscape``,
else ``~/.cache/landscape``.

**Trust.**  Loading an entry runs code: its modules are imported and Numba unpickles its cache
files.  So the cache is used only when it is yours, as OpenSSH treats its key files
(:func:`trust_problem`): the cache directory, ``kernels/`` and every entry (with its
``__pycache__``) must be owned by the current user and not writable by group or others, and
every directory above them owned by the user or root and not writable by others unless
sticky (like ``/tmp``).  Otherwise the cache is not used: kernels go to a private temporary
directory for this process only, and a :class:`CacheNotTrustedWarning` says why, once.
Every entry is also authenticated with HMAC-SHA256 under a per-user secret (``key``, 32
random bytes, mode 0600, created beside ``kernels/``): ``meta.json`` carries the MAC of its
own content (which holds the SHA-256 of every module), and ``<kind>.nbmac`` the MAC of
Numba's cache files for that kernel, written after Numba produced them.  An entry whose MAC
does not verify is rebuilt; Numba cache files that do not verify are deleted before the
module is imported, so they are never unpickled.  Whoever can read the secret or write the
directory is you (or root): the cache then protects against nothing more than Python itself
does.  Out of scope: the installed packages (including the optimizer library's own Numba
cache beside them) and ``$NUMBA_CACHE_DIR``, which are as trusted as the Python environment.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import importlib.util
import json
import marshal
import os
import secrets
import shutil
import stat
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import CacheNotTrustedWarning, InputError, UnsupportedError
from .kernel_types import KINDS, MATRIX, SIGNATURES

#: modules whose code decides the text of a generated kernel
GENERATOR_SOURCES = ("codegen.py", "derive.py", "loops.py", "kernel_types.py")


def generator_version(directory: Path | None = None,
                      sources: tuple[str, ...] = GENERATOR_SOURCES) -> str:
    """A manual number and the SHA-256 of the kernel generator's sources, so that any edit of
    the generator misses the old cache entries instead of loading kernels it would no longer
    write (a hand-bumped number alone kept a broken kernel after its generator was fixed)."""
    here = Path(__file__).parent if directory is None else directory
    h = hashlib.sha256()
    for name in sources:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    return "5:" + h.hexdigest()[:16]


#: part of every cache entry's name: old entries are then simply not found
GENERATOR_VERSION = generator_version()

#: The kernels of an objective's main entry (all but the Hessian, which is built on demand).
FIRST_KINDS = tuple(k for k in KINDS if k != "h")

_EMPTY = np.zeros((0, 0))


def cache_root() -> Path:
    """The directory under which kernel entries are stored (created on demand)."""
    env = os.environ.get("LANDSCAPE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "landscape"


#: size of the per-user secret under which entries are authenticated
SECRET_BYTES = 32


def _owner_problem(path: Path, st: os.stat_result, *, strict: bool) -> str | None:
    """Why ``path`` cannot be trusted, or None.

    ``strict`` (the cache's own directories): owned by the current user, not writable by group
    or others.  Otherwise (a directory above them): owned by the user or root, and not
    writable by group or others unless the sticky bit is set (``/tmp``).
    """
    uid = os.getuid()
    if st.st_uid != uid and (strict or st.st_uid != 0):
        return f"{path} is owned by uid {st.st_uid}, not by you (uid {uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and (strict or not st.st_mode & stat.S_ISVTX):
        mode = stat.S_IMODE(st.st_mode)
        return f"{path} is writable by group or others (mode {mode:o}; fix: chmod go-w)"
    return None


def trust_problem(directory: Path) -> str | None:
    """Why the cache directory ``directory`` (which exists) cannot be trusted, or None.

    The directory itself is checked strictly, every directory above it (after resolving
    symbolic links) leniently: see :func:`_owner_problem`.
    """
    real = Path(os.path.realpath(directory))
    try:
        problem = _owner_problem(real, os.stat(real), strict=True)
        for parent in real.parents:
            problem = problem or _owner_problem(parent, os.stat(parent), strict=False)
    except OSError as exc:
        return f"{real} cannot be inspected ({exc.strerror or exc})"
    return problem


def _private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) if missing; a directory this module creates is 0700."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)


_ROOTS: dict[str, tuple[Path, bytes]] = {}


def _fallback_root() -> Path:
    """A private directory for this process's kernels, removed when the process exits."""
    tmp = Path(tempfile.mkdtemp(prefix="landscape-kernels-"))
    atexit.register(shutil.rmtree, tmp, True)
    return tmp


def _read_secret(root: Path) -> bytes | None:
    """The per-user secret in ``root/key``, created (atomically) when missing; None when the
    file is not a private regular file of the user's (then the cache is not trusted)."""
    path = root / "key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=".key-", dir=root)  # mode 0600
        try:
            os.write(fd, secrets.token_bytes(SECRET_BYTES))
            os.fsync(fd)
            os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic: a reader sees no key or a whole one
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        st = os.fstat(fd)
        if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid()
                or st.st_mode & 0o077 or st.st_size != SECRET_BYTES):
            return None
        return os.read(fd, SECRET_BYTES)
    finally:
        os.close(fd)


def active_root() -> tuple[Path, bytes]:
    """The kernel cache directory in use and its secret: :func:`cache_root` when it can be
    trusted (created 0700 when missing), else a private temporary directory (with a
    :class:`CacheNotTrustedWarning` once per configured directory)."""
    configured = cache_root()
    known = _ROOTS.get(str(configured))
    if known is not None:
        return known
    problem: str | None
    try:
        _private_dir(configured)
        _private_dir(configured / "kernels")
        problem = trust_problem(configured) or trust_problem(configured / "kernels")
        secret = None if problem else _read_secret(configured)
        if secret is None and problem is None:
            problem = f"{configured / 'key'} is not a private file of yours (mode 600)"
    except OSError as exc:
        problem = f"{configured} cannot be used ({exc.strerror or exc})"
    if problem is None:
        chosen = (configured, secret)
    else:
        warnings.warn(f"the kernel cache is not used: {problem}; compiled kernels are kept for "
                      "this process only", CacheNotTrustedWarning, stacklevel=2)
        private = _fallback_root()
        _private_dir(private / "kernels")
        chosen = (private, _read_secret(private) or secrets.token_bytes(SECRET_BYTES))
    _ROOTS[str(configured)] = chosen
    return chosen


def _mac(secret: bytes, *parts: bytes) -> str:
    """HMAC-SHA256 of the parts (each length-prefixed, so the split is unambiguous)."""
    h = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _meta_mac(secret: bytes, meta: Mapping[str, Any]) -> str:
    body = {k: v for k, v in meta.items() if k != "mac"}
    return _mac(secret, b"meta", json.dumps(body, sort_keys=True).encode())


def _numba_mac(secret: bytes, directory: Path, kind: str) -> str | None:
    """The MAC of a kernel's Numba cache files (names and bytes), or None when there are
    none."""
    files = _numba_cache_files(directory, kind)
    if not files:
        return None
    parts = [kind.encode()]
    for f in files:
        parts += [f.name.encode(), f.read_bytes()]
    return _mac(secret, b"numba", *parts)


def entry_name(key: str) -> str:
    """Directory name of the cache entry for an objective key (includes the generator version)."""
    return hashlib.sha256(f"{GENERATOR_VERSION}:{key}".encode()).hexdigest()[:40]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _as_data(data: Any) -> np.ndarray:
    if data is None:
        return _EMPTY
    arr = np.ascontiguousarray(np.asarray(data, dtype=np.float64))
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise InputError(f"data must be a 2-D table (rows x columns), got shape {arr.shape}")
    return arr


class CompiledObjective:
    """An objective's compiled kernels, loaded lazily, plus the data matrix they average over.

    Attributes ``f, g, fg, h, f_cols, g_cols, fg_cols`` are Numba dispatchers with the
    signatures of :mod:`landscape.kernel_types`; :meth:`value`, :meth:`gradient`,
    :meth:`hessian` and :meth:`values` are NumPy conveniences.
    """

    def __init__(self, directory: Path, meta: Mapping[str, Any], data: Any = None,
                 secret: bytes = b"", sources: Callable[..., Mapping[str, str]] | None = None):
        self.directory = Path(directory)
        #: generates the source of kernels missing from the entry, on demand:
        #: ``sources(kinds)`` (the Hessian) or ``sources(("matrix",), build)`` (a declared
        #: matrix, see :meth:`matrix_kernel`)
        self.sources = sources
        self._secret = secret
        self.meta = dict(meta)
        self.key: str = self.meta["key"]
        self.variables: tuple[str, ...] = tuple(self.meta["variables"])
        self.data_names: tuple[str, ...] = tuple(self.meta.get("data", ()))
        self.text: str = self.meta.get("text", "")
        self.data = _as_data(data)
        if self.data_names and self.data.size and self.data.shape[1] != len(self.data_names):
            raise InputError(
                f"data has {self.data.shape[1]} columns but the formula names "
                f"{len(self.data_names)} data symbols ({', '.join(self.data_names)})"
            )
        self._kernels: dict[str, Any] = {}

    @property
    def n(self) -> int:
        """Number of variables."""
        return len(self.variables)

    @property
    def is_finite_sum(self) -> bool:
        """True when the objective is a mean over the rows of a data matrix."""
        return bool(self.data_names)

    def with_data(self, data: Any) -> CompiledObjective:
        """The same kernels bound to another data matrix (rows = samples)."""
        other = CompiledObjective(self.directory, self.meta, data, self._secret, self.sources)
        other._kernels = self._kernels
        return other

    def kernel(self, kind: str):
        """The compiled kernel ``kind`` (one of :data:`~landscape.kernel_types.KINDS`, or the
        one kernel of a declared matrix's entry), loaded on first use."""
        k = self._kernels.get(kind)
        if k is None:
            if kind in self.meta.get("files", {}):
                k = _load_kernel_module(self.directory, self.key, kind, self._secret)
            elif kind in KINDS:
                k = self._extra_entry(kind, kind).kernel(kind)
            else:
                raise KeyError(kind)
            self._kernels[kind] = k
        return k

    def matrix_kernel(self, build: Callable[..., Mapping[tuple[int, int], Any]]):
        """The compiled kernel ``matrix(x, D, A)`` (the Hessian's signature) of the n × n
        matrix whose entries ``build(expr, variables, data_symbols) -> {(i, j): entry}``
        (i ≤ j) gives from the formula: a method declares it to receive it in place of the
        Hessian.  Generated on first use (``build`` may refuse the formula with an
        :class:`InputError` saying why) into an entry of its own, keyed by
        :func:`matrix_tag`, and cached like the Hessian."""
        tag = matrix_tag(build)
        k = self._kernels.get(tag)
        if k is None:
            k = self._extra_entry(tag, MATRIX, build).kernel(MATRIX)
            self._kernels[tag] = k
        return k

    def _extra_entry(self, tag: str, kind: str, build: Callable | None = None
                     ) -> CompiledObjective:
        """The entry ``tag`` holding kernel ``kind`` (the Hessian, a declared matrix): from the
        cache, else generated now by :attr:`sources` and stored."""
        key = extra_key(self.key, tag)
        hit = load(key, kinds=(kind,))
        if hit is not None:
            return hit
        if self.sources is None:
            raise UnsupportedError(
                f"the {kind} kernel of this objective has not been generated; build the "
                "objective with Objective.parse or Objective.from_expr to generate it")
        text = self.sources((kind,)) if build is None else self.sources((kind,), build)
        return store(key, text, variables=self.variables, data_names=self.data_names,
                     text=self.text, kinds=(kind,))

    f = property(lambda self: self.kernel("f"))
    g = property(lambda self: self.kernel("g"))
    fg = property(lambda self: self.kernel("fg"))
    h = property(lambda self: self.kernel("h"))
    f_cols = property(lambda self: self.kernel("f_cols"))
    g_cols = property(lambda self: self.kernel("g_cols"))
    fg_cols = property(lambda self: self.kernel("fg_cols"))

    def _check_data(self) -> None:
        if self.is_finite_sum and self.data.shape[0] == 0:
            raise InputError("this objective averages over data rows; bind data first")

    def _point(self, x: Any) -> np.ndarray:
        arr = np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(-1))
        if arr.shape[0] != self.n:
            raise InputError(f"expected a point with {self.n} coordinates, got {arr.shape[0]}")
        return arr

    def value(self, x: Any) -> float:
        """f(x)."""
        self._check_data()
        return float(self.f(self._point(x), self.data))

    def gradient(self, x: Any) -> np.ndarray:
        """∇f(x) as a new array."""
        self._check_data()
        out = np.empty(self.n)
        self.g(self._point(x), self.data, out)
        return out

    def hessian(self, x: Any) -> np.ndarray:
        """∇²f(x) as a new (n, n) array."""
        self._check_data()
        out = np.empty((self.n, self.n))
        self.h(self._point(x), self.data, out)
        return out

    def values(self, points: Any) -> np.ndarray:
        """f at each row of ``points`` (shape (N, n)); returns shape (N,)."""
        self._check_data()
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self.n)
        cols = np.ascontiguousarray(pts.T)
        out = np.empty(pts.shape[0])
        self.f_cols(cols, self.data, out)
        return out

    def gradients(self, points: Any) -> np.ndarray:
        """∇f at each row of ``points`` (shape (N, n)); returns shape (N, n)."""
        self._check_data()
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self.n)
        cols = np.ascontiguousarray(pts.T)
        out = np.empty_like(cols)
        self.g_cols(cols, self.data, out)
        return out.T.copy()

    def __repr__(self) -> str:
        return f"CompiledObjective({self.text or self.key[:12]!r}, variables={self.variables})"


def _numba_cache_files(directory: Path, kind: str) -> list[Path]:
    """Numba's cache files (index ``.nbi`` and data ``.nbc``) of one kernel module."""
    return sorted((directory / "__pycache__").glob(f"{kind}.{kind}-*.nb[ic]"))


def _verify_numba_files(directory: Path, kind: str, secret: bytes) -> None:
    """Delete the kernel's Numba cache files unless their MAC verifies (they are pickles:
    unverified ones are never loaded; Numba then compiles from the verified source)."""
    mac_file = directory / f"{kind}.nbmac"
    actual = _numba_mac(secret, directory, kind)
    if actual is None:
        return
    with contextlib.suppress(OSError):
        if hmac.compare_digest(mac_file.read_text().strip(), actual):
            return
    for file in _numba_cache_files(directory, kind):
        file.unlink(missing_ok=True)
    mac_file.unlink(missing_ok=True)


def _sign_numba_files(directory: Path, kind: str, secret: bytes) -> None:
    """Record the MAC of the Numba cache files just written (atomically)."""
    actual = _numba_mac(secret, directory, kind)
    if actual is None:
        return
    mac_file = directory / f"{kind}.nbmac"
    with contextlib.suppress(OSError):
        if mac_file.read_text().strip() == actual:
            return
    tmp = directory / f".{kind}.nbmac.{uuid.uuid4().hex[:8]}"
    with contextlib.suppress(OSError):
        tmp.write_text(actual)
        os.replace(tmp, mac_file)


def _load_kernel_module(directory: Path, key: str, kind: str, secret: bytes):
    """Import the kernel module (Numba loads its machine code from ``__pycache__``).

    Numba's cache files are used only when their MAC verifies (:func:`_verify_numba_files`);
    after the import the files Numba wrote are signed.  A damaged Numba cache file (truncated
    or garbled by a crash or a full disk) makes the import fail while unpickling; the
    kernel's cache files are then deleted and the module is imported once more, which
    compiles it afresh and rewrites them.
    """
    path = directory / f"{kind}.py"
    name = f"_landscape_kernel_{directory.name[:16]}_{kind}"
    module = sys.modules.get(name)
    if module is None:
        _verify_numba_files(directory, kind, secret)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - path always exists here
            raise InputError(f"kernel module {path} cannot be loaded")
        for attempt in (1, 2):
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
                break
            except Exception as exc:
                sys.modules.pop(name, None)
                damaged = _numba_cache_files(directory, kind)
                if attempt == 2 or not damaged:
                    from numba.core.errors import NumbaError

                    if isinstance(exc, NumbaError):
                        first = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
                        raise UnsupportedError(
                            f"Numba cannot compile the {kind} kernel of this formula: "
                            f"{first.strip()[:200]}") from exc
                    raise
                for file in damaged:
                    file.unlink(missing_ok=True)
            except BaseException:
                sys.modules.pop(name, None)
                raise
        _sign_numba_files(directory, kind, secret)
    return getattr(module, kind)


def extra_key(key: str, tag: str) -> str:
    """Key of the entry that holds the on-demand kernel ``tag`` (a kind, or a declared
    matrix's :func:`matrix_tag`) of the objective ``key``."""
    return f"{key}|{tag}"


@cache
def matrix_tag(build: Callable) -> str:
    """``matrix:<module>.<name>:<digest>``: the part of a declared matrix's entry key that
    names its building function, with the SHA-256 of the source file of the function's
    module (so an edit of the function, or of the helpers beside it, misses the old entry;
    the bytecode stands in for a function without a file)."""
    home = getattr(build, "__module__", None) or ""
    name = getattr(build, "__qualname__", type(build).__qualname__)
    try:
        text = Path(sys.modules[home].__file__).read_bytes()  # type: ignore[arg-type]
    except (KeyError, AttributeError, TypeError, OSError):
        code = getattr(build, "__code__", None)
        text = marshal.dumps(code) if code is not None else b""
    return f"{MATRIX}:{home}.{name}:{hashlib.sha256(text).hexdigest()[:16]}"


def hessian_key(key: str) -> str:
    """Key of the entry that holds the Hessian kernel of the objective ``key``."""
    return extra_key(key, "h")


def _read_meta(directory: Path, secret: bytes | None = None,
               kinds: Sequence[str] = FIRST_KINDS) -> dict[str, Any] | None:
    """The entry's metadata if the entry holds at least ``kinds``, its MAC verifies under
    ``secret`` (the active cache's when None), every module it lists matches its checksum and
    the entry's directories are the user's own (:func:`_owner_problem`)."""
    if secret is None:
        secret = active_root()[1]
    try:
        for d in (directory, directory / "__pycache__"):
            if d.exists() and _owner_problem(d, os.lstat(d), strict=True):
                return None
        meta = json.loads((directory / "meta.json").read_text())
        if not hmac.compare_digest(str(meta["mac"]), _meta_mac(secret, meta)):
            return None
        files = meta["files"]
        if not set(kinds) <= set(files) or not set(files) <= set(SIGNATURES):
            return None
        for kind in files:
            if _sha((directory / f"{kind}.py").read_text()) != files[kind]:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return meta


def load(
    key: str,
    data: Any = None,
    *,
    kinds: Sequence[str] = FIRST_KINDS,
    sources: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
) -> CompiledObjective | None:
    """The cached compiled objective for ``key`` (an entry holding at least ``kinds``), or
    ``None`` when absent or damaged.  ``sources`` generates kernels the entry lacks.

    A damaged entry (missing file, checksum or MAC mismatch, unreadable metadata, directories
    that are not the user's own) is moved aside so that the next :func:`store` rebuilds it.
    """
    root, secret = active_root()
    directory = root / "kernels" / entry_name(key)
    if not directory.exists():
        return None
    meta = _read_meta(directory, secret, kinds)
    if meta is None or meta.get("key") != key:
        _discard(directory)
        return None
    return CompiledObjective(directory, meta, data, secret, sources)


def _discard(directory: Path) -> None:
    """Move a damaged entry out of the way (atomically), then delete it."""
    trash = directory.with_name(f".broken-{directory.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(directory, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)


#: a temporary entry directory older than this (seconds) was left by a crashed writer
STALE_TEMP_SECONDS = 3600.0


def _sweep_stale_temps(root: Path) -> None:
    """Remove ``.tmp-*`` directories that a process crashing mid-write left behind (only old
    ones: a young one may belong to a writer that is still running)."""
    now = time.time()
    for tmp in root.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)


def store(
    key: str,
    sources: Mapping[str, str],
    *,
    variables: Sequence[str],
    data_names: Sequence[str] = (),
    text: str = "",
    data: Any = None,
    kinds: Sequence[str] | None = None,
    generate: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
) -> CompiledObjective:
    """Write a cache entry atomically (or adopt the one another process just wrote).

    The entry holds the kernels ``kinds`` (default: all those in ``sources``; at least
    :data:`FIRST_KINDS` for an objective's main entry); ``generate`` is kept to build the
    kernels it lacks on demand.
    """
    kinds = tuple(k for k in SIGNATURES if k in (sources if kinds is None else kinds))
    missing = set(kinds) - set(sources)
    if missing:
        raise KeyError(f"no source for kernels {sorted(missing)}")
    base, secret = active_root()
    root = base / "kernels"
    _private_dir(root)
    final = root / entry_name(key)
    existing = load(key, data, kinds=kinds, sources=generate)
    if existing is not None:
        return existing
    _sweep_stale_temps(root)
    meta = {
        "generator": GENERATOR_VERSION,
        "key": key,
        "text": text,
        "variables": list(variables),
        "data": list(data_names),
        "files": {kind: _sha(sources[kind]) for kind in kinds},
    }
    meta["mac"] = _meta_mac(secret, meta)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name[:12]}-", dir=root))
    try:
        (tmp / "__pycache__").mkdir(mode=0o700)  # Numba's, private from the start
        for kind in kinds:
            (tmp / f"{kind}.py").write_text(sources[kind])
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process won the race (or a damaged entry is in the way).
            if load(key, data, kinds=kinds) is None:
                _discard(final)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    result = load(key, data, kinds=kinds, sources=generate)
    if result is None:  # pragma: no cover - only if the disk lies to us
        raise OSError(f"kernel cache entry {final} could not be written")
    return result

