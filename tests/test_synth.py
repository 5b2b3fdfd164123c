"""Synthetic packages (wbcti_analysis.synth, `wbcti synth`): valid, deterministic, scaled, realistic shape."""
from __future__ import annotations

import json
import shutil

import networkx as nx
import pytest

from conftest import BUNDLED_DIR
from wbcti_analysis.cli import main
from wbcti_analysis.datapackage import load, validate
from wbcti_analysis.synth import synthesize


@pytest.fixture(scope="module")
def synth3():
    return synthesize(3, seed=7)


@pytest.mark.parametrize("scale", [1, 3])
def test_valid_package(tmp_path, scale):
    synthesize(scale, seed=0, out=tmp_path)
    assert validate(tmp_path) == []
    ds = load(tmp_path)
    assert len(ds.activities) == round(len(load(BUNDLED_DIR).activities) * scale)
    assert len(ds.actors) == round(len(load(BUNDLED_DIR).actors) * scale)


def test_same_seed_same_bytes_other_seed_other_rows(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesize(1.5, seed=11, out=a)
    synthesize(1.5, seed=11, out=b)
    synthesize(1.5, seed=12, out=c)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    assert "participations.csv" in files and "datapackage.json" in files
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "participations.csv").read_bytes() != (c / "participations.csv").read_bytes()


@pytest.mark.parametrize("table", ["actors", "activities", "participations", "funding", "relations",
                                   "mechanisms", "mechanism_features", "figures", "claims"])
def test_rows_scale_with_k(synth3, table):
    one = synthesize(1, seed=7)
    ratio = len(synth3[table]) / len(one[table])
    assert 2.5 <= ratio <= 3.5, (table, len(one[table]), len(synth3[table]))


def test_heavy_tailed_participation(synth3):
    counts = synth3["participations"]["actor_id"].value_counts()
    top = counts.head(len(synth3["actors"]) // 10).sum() / len(synth3["participations"])
    assert top > 0.35  # the bundled data: 0.44
    assert counts.max() >= 10 * counts.median()


def test_several_roles_and_connected_across_countries(synth3):
    parts = synth3["participations"]
    roles = parts.groupby("activity_id")["role"].nunique()
    assert (roles >= 2).mean() > 0.3
    assert set(parts["role"]) >= {"funder", "lead", "implementer", "partner", "participant"}
    G = nx.Graph()
    for _, grp in parts.groupby("activity_id"):
        ids = grp["actor_id"].tolist()
        G.add_edges_from((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    biggest = max(nx.connected_components(G), key=len)
    assert len(biggest) / G.number_of_nodes() > 0.9
    country = dict(zip(synth3["actors"]["actor_id"], synth3["actors"]["country"]))
    assert len({country[a] for a in biggest} & {"AL", "BA", "XK", "ME", "MK", "RS"}) == 6


def test_partial_dates_amounts_and_provenance(synth3):
    acts = synth3["activities"]
    assert set(acts["start_date"].str.len()) == {0, 4, 7, 10}
    assert synth3["funding"]["amount"].eq("").all()  # the bundled rate: no amount stated
    with_amounts = synthesize(3, seed=7, amounts=True)["funding"]
    assert 0.45 < with_amounts["amount"].ne("").mean() < 0.75
    assert with_amounts.loc[with_amounts["amount"].ne(""), "currency"].eq("EUR").all()
    sources = set(synth3["sources"]["source_id"])
    for name, df in synth3.items():
        assert df["source_id"].isin(sources).all(), name
        assert df["locator"].ne("").all(), name
    assert len(sources) == 4 and all(s.startswith("synth-src-") for s in sources)


def test_mechanism_features_from_the_vocabularies(synth3):
    feats = synth3["mechanism_features"]
    desc = json.loads((BUNDLED_DIR / "datapackage.json").read_text())
    fields = {f["name"]: f for r in desc["resources"] if r["name"] == "mechanism_features"
              for f in r["schema"]["fields"]}
    vocab = fields["value"]["wbcti:valuesByFeature"]
    for feature, allowed in vocab.items():
        assert feats.loc[feats["feature"] == feature, "value"].isin(allowed).all(), feature
    assert set(synth3["mechanisms"]["mechanism_id"]) <= set(synth3["activities"]["activity_id"])
    assert not feats.duplicated(["mechanism_id", "feature", "value"]).any()


def test_columns_added_to_the_descriptor_are_written(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(BUNDLED_DIR, template, ignore=shutil.ignore_patterns("coding"))
    desc = json.loads((template / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res["name"] == "participations":
            res["schema"]["fields"].insert(4, {"name": "certainty", "type": "string",
                                               "constraints": {"required": True, "enum": ["high", "low"]}})
    (template / "datapackage.json").write_text(json.dumps(desc))
    with pytest.raises(Exception):
        load(template)  # the template CSV lacks the column: invalid itself, but the generator reads the descriptor
    out = tmp_path / "out"
    tables = synthesize(1, seed=0, out=out, template=template)
    assert set(tables["participations"]["certainty"]) <= {"high", "low"}
    assert tables["participations"]["certainty"].notna().all()
    assert validate(out) == []


def test_cli_synth(tmp_path, capsys):
    assert main(["synth", "--scale", "0.5", "--seed", "2", "--out", str(tmp_path / "p")]) == 0
    assert "wrote a synthetic package (0.5 x, seed 2)" in capsys.readouterr().out
    assert validate(tmp_path / "p") == []
    assert main(["synth", "--scale", "0", "--out", str(tmp_path / "q")]) == 2
    assert "scale must be a positive number, got 0.0" in capsys.readouterr().err
