"""The reproducibility stamp as a paragraph, for every page (report, compare, handout...).

Apart from :mod:`sim.report.html`, so that the handout, which draws no chart, needs no plotly.
"""

from __future__ import annotations

import html

from sim.analysis.stamp import Stamp


def stamp_paragraph(stamp: Stamp) -> str:
    """The reproducibility stamp as the paragraph every page carries."""
    return f'<p class="stamp">Reproduce with: {html.escape(stamp.text())}</p>'
