"""Every scipy issue the notebooks, the guide, the README and lifutils cite is one that was read
and says what the text says it does (issue 26: a cited number nobody could confirm).

An issue number that is not below makes this test fail: read the issue, then add it here with
its title and what the text cites it for."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: scipy issues checked by hand on github.com/scipy/scipy (title, what it is cited for).
CONFIRMED = {
    9228: ("events in scipy.integrate.solve_ivp do not behave as expected",
           "zeros inside one step are missed: the event's sign is compared at step ends"),
    10319: ("events in scipy.integrate.solve_ivp: How do I setup an events criteria?",
            "with t_eval the event time is not appended to sol.t"),
}


def _texts():
    paths = [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("docs/*.md"), ROOT / "README.md",
             *ROOT.glob("lifutils/**/*.py")]
    return {path: path.read_text(encoding="utf-8") for path in paths}


def test_every_cited_scipy_issue_was_confirmed():
    cited = {}
    for path, text in _texts().items():
        for number in re.findall(r"scipy (?:issue|PR|pull request) #?(\d+)", text):
            cited.setdefault(int(number), []).append(path.relative_to(ROOT).as_posix())
    assert cited, "no citation found: did the pattern stop matching?"
    unknown = {n: where for n, where in cited.items() if n not in CONFIRMED}
    assert not unknown, f"cited but never confirmed: {unknown}"


def test_the_pitfalls_cite_the_issues_that_describe_them():
    (nb03,) = ROOT.glob("notebooks/03_*.ipynb")
    text = nb03.read_text(encoding="utf-8")
    assert re.search(r"only at the ends of each step \(scipy issue 9228\)", text)
    assert re.search(r"is not in `sol\.t` \(scipy issue 10319\)", text)


def test_the_interpolated_correction_cites_hansel_1998():
    """01's Bonus: Hansel, Mato, Meunier and Neltner (1998), On numerical simulations of
    integrate-and-fire neural networks, Neural Computation 10(2), 467-483."""
    (nb01,) = ROOT.glob("notebooks/01_*.ipynb")
    assert "Hansel et al. 1998, Neural Comput. 10:467" in nb01.read_text(encoding="utf-8")


def test_the_gallery_cites_the_figure_and_table_08_names():
    """08: "Izhikevich (2003, Fig. 2)" and "Naud et al. (2008, Table 1)" are the gallery's sources."""
    from lifutils import gallery
    assert gallery.izhikevich("RS").source.startswith("Izhikevich EM (2003)")
    assert "Fig. 2" in gallery.izhikevich("RS").source
    assert gallery.adex("tonic").source.startswith("Naud R, Marcille N, Clopath C, Gerstner W (2008)")
    assert "Table 1" in gallery.adex("tonic").source
