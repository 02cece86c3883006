"""Every check against its corpus: right answers written differently get Right, each typical
wrong answer gets Not yet with the hint for that mistake (tests/exercise_corpus.py)."""
import pytest

import exercise_corpus as corpus
from lifutils import exercises
from notebook_exercises import verdict

CORPUS = {
    "1.1": (exercises.check_euler_spike_times, corpus.EULER_RIGHT, corpus.EULER_WRONG),
    "2.1": (exercises.check_hack_slopes, corpus.SLOPES_RIGHT, corpus.SLOPES_WRONG),
    "3.1": (exercises.check_event_function, corpus.EVENT_RIGHT, corpus.EVENT_WRONG),
    "3.2": (exercises.check_grid_loop, corpus.GRID_RIGHT, corpus.GRID_WRONG),
    "3.3": (exercises.check_threshold_events, corpus.EVENTS_RIGHT, corpus.EVENTS_WRONG),
    "4.1": (exercises.check_firing_rate, corpus.RATE_RIGHT, corpus.RATE_WRONG),
    "5.1": (exercises.check_adaptation_reset, corpus.RESET_RIGHT, corpus.RESET_WRONG),
    "6.1": (exercises.check_isi, corpus.ISI_RIGHT, corpus.ISI_WRONG),
    "6.2": (exercises.check_adaptive_spike_times, corpus.ADAPTIVE_RIGHT, corpus.ADAPTIVE_WRONG),
    "6.3": (exercises.check_max_step, corpus.MAX_STEP_RIGHT, corpus.MAX_STEP_WRONG),
    "6.4": (exercises.check_thresholds, corpus.THRESHOLDS_RIGHT, corpus.THRESHOLDS_WRONG),
    "7.1": (exercises.check_network_reset, corpus.NETWORK_RIGHT, corpus.NETWORK_WRONG),
    "8.1": (exercises.check_adex_reset, corpus.ADEX_RIGHT, corpus.ADEX_WRONG),
}
RIGHT = [(n, k) for n, (_, right, _) in CORPUS.items() for k in range(len(right))]
WRONG = [(n, k) for n, (_, _, wrong) in CORPUS.items() for k in range(len(wrong))]


def test_every_exercise_has_a_corpus():
    assert set(CORPUS) == set(exercises.EXERCISES)
    for number, (check, right, wrong) in CORPUS.items():
        assert check.__name__ == exercises.EXERCISES[number][1]
        assert len(right) >= 4 and len(wrong) >= 10, number
        assert len({hint for _, hint in wrong}) >= 5, number  # five different mistakes


@pytest.mark.parametrize("number, k", RIGHT, ids=[f"{n}-right{k}" for n, k in RIGHT])
def test_right_answers_get_right(capsys, number, k):
    check, right, _ = CORPUS[number]
    ok, line = verdict(capsys, check, right[k])
    assert ok, line


@pytest.mark.parametrize("number, k", WRONG, ids=[f"{n}-wrong{k}" for n, k in WRONG])
def test_wrong_answers_get_not_yet_with_their_hint(capsys, number, k):
    check, _, wrong = CORPUS[number]
    answer, hint = wrong[k]
    ok, line = verdict(capsys, check, answer)
    assert not ok and hint in line, line
    assert "Traceback" not in line


def test_a_restart_loop_that_never_moves_on_is_stopped(capsys):
    ok, line = verdict(capsys, exercises.check_adaptive_spike_times, corpus.ADAPTIVE_HANGS,
                       time_limit=3.0)
    assert not ok and "v_reset, below the threshold" in line
    assert "more than 3 s" in line or "200 times from t0 = 0 ms without moving on" in line
