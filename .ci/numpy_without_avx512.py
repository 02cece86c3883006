"""Print the value of NPY_DISABLE_CPU_FEATURES that turns numpy's AVX-512 code off, or nothing.

numpy picks its exp, log, sin... at run time among the targets it was built with; with AVX-512
off it runs the code that a processor without AVX-512 runs (AVX2, numpy 2's X86_V3), whose last
bits differ. Prints nothing where the processor has no AVX-512 (nothing to narrow). The names
are numpy's own (X86_V4, AVX512_ICL... in numpy 2; AVX512F, AVX512_SKX... in 1.x): an unknown
name is only an ImportWarning to numpy, so this script checks, in a fresh interpreter, that the
value is accepted and that no AVX-512 target is left in use, and fails otherwise.
"""
import os
import subprocess
import sys

try:
    from numpy._core import _multiarray_umath as umath
except ImportError:  # numpy 1.x
    from numpy.core import _multiarray_umath as umath


def avx512_targets():
    return [f for f in umath.__cpu_dispatch__ if f.startswith("AVX512") or f == "X86_V4"]


CHECK = """
try:
    from numpy._core import _multiarray_umath as umath
except ImportError:
    from numpy.core import _multiarray_umath as umath
used = [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]
left = [f for f in used if f.startswith("AVX512") or f == "X86_V4"]
assert not left, f"still dispatched: {left}"
print(" ".join(used))
"""


def main():
    if not umath.__cpu_features__.get("AVX512F") or not avx512_targets():
        return 0
    value = " ".join(avx512_targets())
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": value}
    check = subprocess.run([sys.executable, "-W", "error::ImportWarning", "-c", CHECK], env=env,
                           capture_output=True, text=True)
    if check.returncode:
        sys.stderr.write(f"NPY_DISABLE_CPU_FEATURES={value!r} did not narrow numpy's dispatch:\n"
                         + check.stderr)
        return 1
    print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
