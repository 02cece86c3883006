"""lifutils.methods: one registry entry per method, read by everything else."""
import pytest

import lifutils
from lifutils import LIFParams, LifutilsError, compare
from lifutils.methods import BUILT_IN, LABELS, REGISTRY, method_key

P20 = LIFParams(i_e=20.0)


def test_the_registry_is_the_declaration_in_rank_order():
    assert {k for k in REGISTRY if k in REGISTRY.built_in} == {m.key for m in BUILT_IN}
    ranks = [(m.reference, m.rank) for m in REGISTRY.values()]
    assert ranks == sorted(ranks) and REGISTRY[list(REGISTRY)[-1]].reference  # the reference last
    assert dict(LABELS) == {k: m.label for k, m in REGISTRY.items()}
    assert len(set(LABELS.values())) == len(LABELS)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_each_result_carries_its_key(key):
    res = compare.run_method(key, P20, 50.0)
    assert res.key == key and method_key(res) == key
    assert res.label == LABELS[key]


def test_result_names_are_what_the_simulators_always_called_themselves():
    assert lifutils.simulate_euler(P20, 50.0).name == "Euler"
    assert lifutils.simulate_euler(P20, 50.0, interpolate=True).name == "Euler, interpolated"
    assert lifutils.simulate_dvdt_hack(P20, 50.0, method="LSODA").name == "dv/dt hack (LSODA)"
    assert lifutils.simulate_events(P20, 50.0, method="DOP853").name == "events (DOP853)"
    assert lifutils.simulate_exact(P20, 50.0).name == "exact"
    assert REGISTRY["events"].result_name("Radau") == "events (Radau)"


def test_run_passes_only_the_settings_a_method_takes():
    euler = REGISTRY["euler"].run(P20, 50.0, dt=0.5, rtol=1e-3, method="LSODA")
    assert euler.nfev == 100  # 50 ms / 0.5 ms; the solve_ivp settings are not Euler's
    events = REGISTRY["events"].run(P20, 50.0, dt=0.5, method="LSODA", rtol=None)
    assert events.solver == "LSODA"
    assert REGISTRY["euler_interp"].run(P20, 50.0).key == "euler_interp"


@pytest.mark.parametrize("bad", ["Euler loop", "dv/dt hack (RK45)", "Runge-Kutta", "", 3])
def test_method_key_reads_keys_not_free_text(bad):
    with pytest.raises(LifutilsError, match="result must be a LIFResult or a key"):
        method_key(bad)


def test_styles_one_color_per_method_exact_on_top():
    colors = [m.color for m in REGISTRY.values()]
    assert len(set(colors)) == len(colors), "two methods share a color"
    exact = REGISTRY["exact"]
    assert exact.color == "#000000" and exact.linestyle == "--"
    assert exact.zorder > max(m.zorder for k, m in REGISTRY.items() if k != "exact")
    markers = [m.marker["marker"] for m in REGISTRY.values()]
    assert len(set(markers)) == len(markers), "two methods share an f-I marker"
