"""The frame of every classroom page: style, heading, and the live-update script.

Pages are rendered on the server. A page that should follow the game listens to the server's
event stream (server-sent events) and reloads itself when its fingerprint there changes; no
other script, and no build step. The style and the script are served as files
(``/static/classroom.css``, ``/static/live.js``), never inline, so that the Content Security
Policy (:mod:`sim.classroom.guard`) can forbid every inline script a page did not sign.
"""

from __future__ import annotations

import html

esc = html.escape
"""Every text from a scenario or a student passes through this before it reaches a page."""

CSS = """
:root{--ink:#1d1d1f;--mute:#5b5b60;--line:#d6d6dc;--soft:#f4f4f7;--accent:#28527a;
--mine:#fff7e0;--ok:#1f6f43;--warn:#8a4b00}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,'Helvetica Neue',Arial,sans-serif;color:var(--ink);
max-width:72rem;margin:0 auto;padding:0 1rem 3rem}
header{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:baseline;padding:.8rem 0;
border-bottom:2px solid var(--accent);margin-bottom:1rem}
header h1{font-size:1.3rem;margin:0;color:var(--accent)}header .meta{color:var(--mute)}
h2{font-size:1.1rem;margin:1.6rem 0 .5rem;color:var(--accent)}
h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.3rem 0 1rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-size:.85rem}td.num,th.num{text-align:right}
tr.me td{background:var(--mine)}
.status{padding:.6rem .9rem;border-radius:6px;background:var(--soft);margin:.6rem 0;
font-size:1.05rem}
.status.turn{background:#e3f1e8;border-left:4px solid var(--ok)}
.status.wait{border-left:4px solid var(--line)}
.status.paused{background:#fdf0dc;border-left:4px solid var(--warn)}
.reply{padding:.5rem .9rem;border-left:4px solid var(--accent);background:#eef3f9;margin:.6rem 0}
.error{padding:.5rem .9rem;border-left:4px solid #b00020;background:#fdecee;margin:.6rem 0}
form.inline{display:inline-flex;gap:.3rem;align-items:center;margin:.2rem .6rem .2rem 0}
button{font:inherit;padding:.35rem .8rem;border:1px solid var(--accent);border-radius:5px;
background:#fff;color:var(--accent);cursor:pointer}button.primary{background:var(--accent);
color:#fff}button:hover{filter:brightness(.95)}
input[type=number]{width:6.5rem;font:inherit;padding:.2rem}input[type=text]{font:inherit;padding:.2rem}
details{margin:.6rem 0}summary{cursor:pointer;color:var(--accent)}
.quote{font-style:italic;color:#333}.src{color:var(--mute);font-size:.85rem}
.assumed{color:var(--warn);font-size:.9rem}
ul.news{list-style:none;padding:0}ul.news li{padding:.2rem 0;border-bottom:1px dotted var(--line)}
ul.news li.mine{background:var(--mine)}.kind{font-size:.75rem;color:var(--mute);
text-transform:uppercase;margin-right:.4rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 1.5rem}
code.url{background:var(--soft);padding:.15rem .35rem;border-radius:4px;word-break:break-all}
@media print{header form,form,button,details summary{display:none}details{display:block}
body{max-width:none}}
"""

LIVE = """
(function () {
  var body = document.body, mark = body.dataset.fingerprint, url = body.dataset.events;
  if (!url || !window.EventSource) { return; }
  var source = new EventSource(url), edited = false;
  function stop() { source.close(); }
  document.addEventListener('input', function () { edited = true; });
  document.addEventListener('change', function () { edited = true; });
  document.addEventListener('submit', function () { body.dataset.live = 'sent'; stop(); });
  window.addEventListener('pagehide', stop);
  source.onmessage = function (event) {
    if (event.data === mark) { body.dataset.live = 'current'; return; }
    body.dataset.live = 'stale';
    stop();
    if (!edited) { window.location.reload(); return; }
    var note = document.createElement('p');
    note.className = 'status wait';
    note.id = 'stale';
    note.innerHTML = 'The game has moved on since this page was drawn. What you typed is kept: ' +
      'send it, or <a href="">reload the page</a>.';
    document.querySelector('header').after(note);
  };
})();
"""
"""Follow the game: reload when the page's fingerprint on the event stream changes.

``data-live`` on the body tells where the page stands: ``current`` once the stream confirms that
the page shows the latest state, ``stale`` when it no longer does, ``sent`` once a form on it was
submitted (the answer is another page). Why not always reload: a reload in the middle of typing
would throw away what the student typed, and one racing a form submission could cancel it; so a
page whose form was edited keeps it and says it is stale, and a submitted page stops listening.
"""


def page(
    title: str,
    heading: str,
    meta: str,
    body: str,
    *,
    events: str = "",
    fingerprint: str = "",
    head: str = "",
    inline: bool = False,
) -> str:
    """A whole page; *events* is the URL of its update stream ("" for a still page).

    *inline* puts the style in the page itself, for a file saved to disk (an export), which
    has no server to fetch the stylesheet from.
    """
    style = (
        f"<style>{CSS}</style>"
        if inline
        else '<link rel="stylesheet" href="/static/classroom.css">'
    )
    return "".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)} — negsim classroom</title>",
            style,
            head,
            "</head>",
            f'<body data-events="{esc(events)}" data-fingerprint="{esc(fingerprint)}">',
            f"<header><h1>{esc(heading)}</h1><span class=meta>{meta}</span></header>",
            body,
            '<script src="/static/live.js"></script>' if events else "",
            "</body></html>",
        ]
    )


def button_form(action: str, label: str, fields: dict[str, str], *, primary: bool = False) -> str:
    """A one-button form posting *fields* to *action*."""
    hidden = "".join(
        f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in fields.items()
    )
    cls = ' class="primary"' if primary else ""
    return (
        f'<form class="inline" method="post" action="{esc(action)}">{hidden}'
        f"<button{cls}>{esc(label)}</button></form>"
    )
