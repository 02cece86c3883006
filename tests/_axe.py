"""axe-core (through axe-playwright-python, which bundles it) for the browser tests.

``scan(page)`` runs the WCAG 2.1 A and AA rules on a page and returns its
violations, each with the nodes it found; ``split_ours(page, violations)`` sorts
the nodes of a JupyterLab page into ours (a notebook's rendered markdown and
outputs, the dashboards) and JupyterLab's own.
"""
from __future__ import annotations

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}

# What is ours inside JupyterLab: the notebook's rendered markdown and outputs.
OUR_CONTENT = ".jp-RenderedMarkdown, .jp-OutputArea-output, .lif-dashboard"


#: The rules whose verdict depends on colours: all that a second colour scheme of the same
#: page (the same DOM, other CSS) can change.
COLOUR_RULES = ("color-contrast", "link-in-text-block")


def scan(page, context=None, rules=None) -> list[dict]:
    """axe's violations on ``page``: [{id, impact, help, nodes: [{target, html}]}]. Every
    WCAG 2.1 A and AA rule, or only ``rules`` (ids, say COLOUR_RULES)."""
    from axe_playwright_python.sync_playwright import Axe

    options = OPTIONS if rules is None else {"runOnly": {"type": "rule", "values": list(rules)},
                                             "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    return [{"id": v["id"], "impact": v.get("impact"), "help": v.get("help", ""),
             "nodes": [{"target": n["target"], "html": n.get("html", "")[:200]}
                       for n in v["nodes"]]}
            for v in results.response["violations"]]


def count(violations) -> int:
    """How many elements violate a rule, summed over the rules."""
    return sum(len(v["nodes"]) for v in violations)


def split_ours(page, violations) -> tuple[list[dict], list[dict]]:
    """(ours, JupyterLab's): the violations restricted to nodes inside / outside OUR_CONTENT."""
    ours, theirs = [], []
    for v in violations:
        inside = page.evaluate(
            """([targets, sel]) => targets.map(t => {
                 const css = Array.isArray(t) ? t[t.length - 1] : t;
                 let el = null;
                 try { el = document.querySelector(css); } catch (e) { return false; }
                 return !!(el && el.closest(sel));
               })""", [[n["target"] for n in v["nodes"]], OUR_CONTENT])
        mine = [n for n, k in zip(v["nodes"], inside) if k]
        other = [n for n, k in zip(v["nodes"], inside) if not k]
        if mine:
            ours.append({**v, "nodes": mine})
        if other:
            theirs.append({**v, "nodes": other})
    return ours, theirs


def report(violations) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}\n"
                     + "\n".join(f"      {n['target']} {n['html'][:120]}" for n in v["nodes"][:4])
                     for v in violations)
