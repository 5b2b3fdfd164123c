"""Readable views of the coordination graph: communities laid out apart and labelled, and an
offline interactive HTML view.

:func:`draw_communities` places each Louvain community (``actor_metrics``' ``community``
column) in its own cell of a grid, lays it out on its own (seeded spring layout), draws the
ties inside a community darker than the ties between communities, and labels every
community with its size, its main sectors and its best-connected actor, so the reader sees
groups rather than a hairball. :func:`write_interactive_html` writes one self-contained HTML
file (inline SVG and JavaScript, no network access) in which a reader can hover an actor
for its name, sector and partners, click it to highlight its ties, and search by name.

matplotlib and networkx are imported inside the functions.
"""
from __future__ import annotations

import html
import json
import math
import textwrap
from pathlib import Path

from .graphs import SECTOR_COLOURS, _axes, _empty
from .style import finish_figure

__all__ = ["community_positions", "draw_communities", "write_interactive_html"]


def community_positions(G, communities: dict, seed: int = 42, min_size: int = 3, cols: int = 4) -> dict:
    """Positions ``{node: (x, y)}``: each community in its own grid cell, largest first.

    Communities smaller than ``min_size`` share the last cell. ``cols`` cells per row.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("c", "d")])
    >>> pos = community_positions(G, {"a": 0, "b": 0, "c": 1, "d": 1}, min_size=1)
    >>> sorted(pos) == ["a", "b", "c", "d"] and pos["a"][0] < pos["c"][0]
    True
    """
    import networkx as nx

    groups: dict = {}
    for n in sorted(G, key=str):
        c = communities.get(n, -1)
        groups.setdefault(c, []).append(n)
    small = [n for c in list(groups) if len(groups[c]) < min_size for n in groups.pop(c)]
    order = sorted(groups, key=lambda c: (-len(groups[c]), str(c)))
    cells = [groups[c] for c in order] + ([small] if small else [])
    cols = max(1, min(cols, len(cells)))
    pos = {}
    for i, members in enumerate(cells):
        cx, cy = (i % cols) * 4.0, -(i // cols) * 4.4
        radius = 0.55 + 1.1 * math.sqrt(len(members) / max(len(G), 1))
        if len(members) == 1:
            local = {members[0]: (0.0, 0.0)}
        else:
            sub = G.subgraph(members)
            local = nx.spring_layout(sub, seed=seed, k=2.0 / math.sqrt(len(members)), iterations=80)
        for n, (x, y) in local.items():
            pos[n] = (cx + radius * float(x), cy + radius * float(y))
    return pos


def _community_summary(G, members: list, labels: dict) -> tuple[str, str]:
    """(main sectors text, best-connected actor's label) of a community."""
    sectors: dict = {}
    for n in members:
        s = G.nodes[n].get("sector", "other")
        sectors[s] = sectors.get(s, 0) + 1
    top = sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    sector_text = ", ".join(f"{s.replace('_', ' ')} {k}" for s, k in top)
    hub = max(sorted(members, key=str), key=lambda n: G.degree(n))
    return sector_text, textwrap.shorten(str(labels.get(hub, hub)), 28, placeholder="...")


def draw_communities(G, metrics, seed: int = 42, title: str = "Coordination graph by community",
                     min_size: int = 3, figsize=(13, 12), ax=None):
    """Draw the graph community by community, each labelled with its size, main sectors and hub.

    Parameters
    ----------
    G : networkx.Graph
        An actor graph.
    metrics : DataFrame
        :func:`~wbcti_analysis.graphs.actor_metrics` (``actor_id``, ``label``, ``community``).
    seed : int
        Seed of the layouts inside the communities.
    title : str
        Figure title.
    min_size : int
        Communities smaller than this are drawn but not labelled.
    figsize : tuple
        Size in inches of a new figure.
    ax : matplotlib Axes, optional
        Draw into it (no caption).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import networkx as nx
    from matplotlib.lines import Line2D

    if G.number_of_nodes() == 0 or metrics is None or not len(metrics):
        return _empty(ax, title, "No actors in this selection: nothing to draw.")
    comm = dict(zip(metrics["actor_id"], metrics["community"]))
    labels = dict(zip(metrics["actor_id"], metrics["label"]))
    pos = community_positions(G, comm, seed, min_size)
    fig, ax, own = _axes(ax, figsize)
    inside = [(u, v) for u, v in G.edges() if comm.get(u) == comm.get(v)]
    between = [(u, v) for u, v in G.edges() if comm.get(u) != comm.get(v)]
    nx.draw_networkx_edges(G, pos, edgelist=between, ax=ax, width=0.4, alpha=0.08, edge_color="#777777")
    nx.draw_networkx_edges(G, pos, edgelist=inside, ax=ax, width=0.7, alpha=0.35, edge_color="#444444")
    nodes = sorted(G, key=str)
    nx.draw_networkx_nodes(G, pos, nodelist=nodes, ax=ax, node_size=[25 + 10 * G.degree(n) for n in nodes],
                           node_color=[SECTOR_COLOURS.get(G.nodes[n].get("sector", "other"), "#dddddd")
                                       for n in nodes], edgecolors="white", linewidths=0.6)
    groups: dict = {}
    for n in nodes:
        groups.setdefault(comm.get(n, -1), []).append(n)
    for c, members in groups.items():
        if len(members) < min_size:
            continue
        xs, ys = [pos[n][0] for n in members], [pos[n][1] for n in members]
        sector_text, hub = _community_summary(G, members, labels)
        ax.text(sum(xs) / len(xs), min(ys) - 0.2, f"Community {c}: {len(members)} actors\n{sector_text}\nhub: {hub}",
                ha="center", va="top", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="#999999", alpha=0.9))
    present = sorted({G.nodes[n].get("sector", "other") for n in nodes})
    handles = [Line2D([0], [0], marker="o", linestyle="", markersize=8, markerfacecolor=SECTOR_COLOURS.get(s, "#ddd"),
                      markeredgecolor="white", label=s.replace("_", " ")) for s in present]
    ax.legend(handles=handles, title="Sector", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.08)
    if own:
        finish_figure(fig, f"Each box is a Louvain community (seed {seed}) laid out on its own, largest first; dark "
                           "lines: ties inside a community, faint lines: ties between communities; node size: "
                           f"number of partners. Communities under {min_size} actors share the last, unlabelled cell.")
    return fig


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:1em}}svg{{border:1px solid #ccc;max-width:100%;height:auto}}
.e{{stroke:#888;stroke-opacity:.25}}.e.on{{stroke:#c00;stroke-opacity:.9}}circle{{stroke:#fff;cursor:pointer}}
circle.dim{{opacity:.15}}#info{{min-height:3em;font-size:.95em}}</style></head><body>
<h1>{title}</h1><p>{note}</p>
<p><label>Find an actor: <input id="q" size="30"></label> <span id="hits"></span></p>
<div id="info">Hover an actor for its name; click it to highlight its ties (click the background to reset).</div>
<svg id="g" viewBox="{vb}" width="1100" height="900" xmlns="http://www.w3.org/2000/svg">{edges}{nodes}</svg>
<script>
const nodes = {data};
const svg = document.getElementById('g'), info = document.getElementById('info');
function reset() {{ svg.querySelectorAll('.e').forEach(e => e.classList.remove('on'));
  svg.querySelectorAll('circle').forEach(c => c.classList.remove('dim')); }}
function focus(id) {{ reset(); const n = nodes[id]; const keep = new Set([id, ...n.partners]);
  svg.querySelectorAll('circle').forEach(c => {{ if (!keep.has(c.dataset.id)) c.classList.add('dim'); }});
  svg.querySelectorAll('.e').forEach(e => {{ if (e.dataset.a === id || e.dataset.b === id) e.classList.add('on'); }});
  info.textContent = n.label + ' (' + n.sector + ', community ' + n.community + '): ' + n.partners.length +
    ' partners: ' + n.partners.map(p => nodes[p].label).join(', '); }}
svg.addEventListener('click', ev => {{ const id = ev.target.dataset && ev.target.dataset.id;
  if (id) focus(id); else {{ reset(); info.textContent = ''; }} }});
document.getElementById('q').addEventListener('input', ev => {{ const q = ev.target.value.toLowerCase();
  const hits = q ? Object.keys(nodes).filter(k => nodes[k].label.toLowerCase().includes(q)) : [];
  document.getElementById('hits').textContent = q ? hits.length + ' found' : '';
  if (hits.length) focus(hits[0]); else reset(); }});
</script></body></html>
"""


def write_interactive_html(G, metrics, path, seed: int = 42, title: str = "Coordination graph") -> Path:
    """Write a self-contained, offline HTML view of the graph (inline SVG + JavaScript) to ``path``.

    Nodes sit where :func:`community_positions` puts them; hovering shows an actor's name
    and sector, clicking highlights its ties and lists its partners, a search box finds
    actors by name. Returns the path written.

    Examples
    --------
    >>> import networkx as nx, pandas as pd, tempfile, os
    >>> G = nx.Graph([("a", "b")]); nx.set_node_attributes(G, "police", "sector")
    >>> m = pd.DataFrame({"actor_id": ["a", "b"], "label": ["A", "B <x>"], "community": [0, 0]})
    >>> p = write_interactive_html(G, m, os.path.join(tempfile.mkdtemp(), "g.html"))
    >>> text = p.read_text(encoding="utf-8")
    >>> "B &lt;x&gt;" in text and "<script>" in text and "<script src" not in text and "<link" not in text
    True
    """
    comm = dict(zip(metrics["actor_id"], metrics["community"])) if len(metrics) else {}
    labels = dict(zip(metrics["actor_id"], metrics["label"])) if len(metrics) else {}
    pos = community_positions(G, comm, seed) if G.number_of_nodes() else {}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [-p[1] for p in pos.values()] or [0.0]
    pad = 0.5
    vb = f"{min(xs) - pad:.3f} {min(ys) - pad:.3f} {max(xs) - min(xs) + 2 * pad:.3f} {max(ys) - min(ys) + 2 * pad:.3f}"
    edges = "".join(
        f'<line class="e" data-a="{html.escape(str(u))}" data-b="{html.escape(str(v))}" x1="{pos[u][0]:.3f}" '
        f'y1="{-pos[u][1]:.3f}" x2="{pos[v][0]:.3f}" y2="{-pos[v][1]:.3f}" stroke-width="0.01"/>'
        for u, v in sorted(G.edges(), key=lambda e: (str(e[0]), str(e[1]))))
    nodes, data = [], {}
    for n in sorted(G, key=str):
        sector = str(G.nodes[n].get("sector", "other"))
        label = str(labels.get(n, G.nodes[n].get("label", n)))
        r = 0.04 + 0.006 * math.sqrt(G.degree(n))
        nodes.append(f'<circle data-id="{html.escape(str(n))}" cx="{pos[n][0]:.3f}" cy="{-pos[n][1]:.3f}" r="{r:.3f}" '
                     f'fill="{SECTOR_COLOURS.get(sector, "#dddddd")}" stroke-width="0.008"><title>'
                     f'{html.escape(label)} ({html.escape(sector.replace("_", " "))})</title></circle>')
        data[str(n)] = {"label": label, "sector": sector.replace("_", " "), "community": str(comm.get(n, "")),
                        "partners": sorted(str(m) for m in G.neighbors(n))}
    note = (f"{G.number_of_nodes()} actors, {G.number_of_edges()} ties; colour: sector; groups: Louvain communities "
            f"(seed {seed}). Works offline: everything is in this file.")
    text = _PAGE.format(title=html.escape(title), note=html.escape(note), vb=vb, edges=edges, nodes="".join(nodes),
                        data=json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out
