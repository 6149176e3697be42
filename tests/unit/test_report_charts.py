"""The report's SVG charts: well-formed, labelled for screen readers, one path per curve, and nothing unescaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from exohair.features.analytics.plots import Axes, Series, chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_step_chart_is_valid_svg_with_a_title_and_a_description() -> None:
    series = [Series("Observation <only>", [0, 10, 20], [0.0, 0.4, 0.8], [0, 0.3, 0.7], [0, 0.5, 0.9], "#0b5cad")]
    svg = chart("Regrowth & more", "one curve", Axes("Days", "Share", x_max=30), series, steps=True)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Regrowth & more"
    assert root.find(f"{SVG}desc").text == "one curve"
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 3  # the axes, the band, the curve
    assert any(p.get("fill-opacity") == "0.12" for p in paths)
    assert "Observation <only>" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_step_curve_holds_its_value_until_the_next_time() -> None:
    svg = chart("t", "d", Axes("x", "y", x_max=100), [Series("a", [0, 50], [0.0, 1.0])], steps=True)
    curve = ET.fromstring(svg).findall(f"{SVG}path")[-1].get("d")
    assert curve is not None
    assert curve.startswith("M56.0 ")
    assert "H" in curve
    assert "V" in curve  # horizontal, then vertical: a step, not a slope


def test_a_line_chart_skips_missing_values_and_marks_the_last_infusion() -> None:
    axes = Axes(
        "weeks", "Dean", x_min=-8, x_max=24, y_max=4, y_percent=False, y_reversed=True, marker=(0, "last infusion")
    )
    svg = chart("t", "d", axes, [Series("a", [-8, 0, 8], [3.0, float("nan"), 1.0])], steps=False)
    root = ET.fromstring(svg)
    assert "last infusion" in [t.text for t in root.iter(f"{SVG}text")]
    line = root.findall(f"{SVG}path")[-1].get("d")
    assert line is not None
    assert line.count("L") == 1  # two points drawn, the missing one skipped
