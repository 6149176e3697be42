"""Draw the Dean-score reference pictures of the portal's self-assessment (src/exohair/web/static/dean/).

Our own drawings, made for exohair: a head seen from above with its hairs thinned evenly to the middle of each
Dean band (clinical.md §1b). Run: `.venv/bin/python scripts/draw_dean_pictures.py` (deterministic)."""

from __future__ import annotations

import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "exohair" / "web" / "static" / "dean"
LOST = {0: 0.0, 1: 0.13, 2: 0.38, 3: 0.63, 4: 0.9}  # the middle of each band: 0, >0-25, >25-50, >50-75, >75 %


def main() -> None:
    rng = random.Random(7)
    strands = []
    while len(strands) < 220:
        x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        if (x / 0.78) ** 2 + (y / 0.95) ** 2 <= 1:
            strands.append((x, y, math.atan2(y, x) + rng.uniform(-0.4, 0.4), rng.random()))
    OUT.mkdir(parents=True, exist_ok=True)
    for score, share in LOST.items():
        lines = []
        for x, y, angle, keep in strands:
            if keep < share:
                continue
            cx, cy = 60 + x * 50, 62 + y * 52
            dx, dy = math.cos(angle) * 7, math.sin(angle) * 7
            lines.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{cx + dx:.1f}" y2="{cy + dy:.1f}"/>')
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 124" width="120" height="124">'
            f"<title>Dean score {score}</title>"
            '<ellipse cx="60" cy="62" rx="44" ry="54" fill="#f1d3bd" stroke="#8a5a44" stroke-width="1.5"/>'
            '<path d="M52 8 L60 2 L68 8" fill="none" stroke="#8a5a44" stroke-width="1.5"/>'
            f'<g stroke="#3b2a20" stroke-width="1.6" stroke-linecap="round">{"".join(lines)}</g></svg>\n'
        )
        (OUT / f"dean-{score}.svg").write_text(svg)


if __name__ == "__main__":
    main()
