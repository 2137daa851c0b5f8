"""Real links inside one app session: `?case=<id>` and `?article=<n>` anchors.

Results, similar decisions, appeal steps and article chips are `<a href="?...">` links, so a
middle click or Ctrl-click opens them in a new tab. A plain click is kept in this tab and this
session: the script below pushes the link onto the browser history and lets Streamlit rerun
with the new query string (its own Back/Forward handler), so no page reload is needed and
Back returns to the view before. Only our own static script is run; no scraped text.
"""

from __future__ import annotations

import re

import streamlit as st

from gdprkb.webapp.text import md_escape
from gdprkb.webapp.urlview import View, href

# Installed once per page load. Capture phase: it runs before Streamlit's own handlers.
_INTERCEPT = """<script>
(() => {
  if (window.__gdprkbLinks) return;
  window.__gdprkbLinks = true;
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    const a = e.target.closest ? e.target.closest("a[href]") : null;
    const to = a ? a.getAttribute("href") : null;
    if (!to || !to.startsWith("?")) return;
    e.preventDefault();
    e.stopPropagation();
    window.history.pushState({}, "", to);
    window.dispatchEvent(new PopStateEvent("popstate"));
    window.__gdprkbToTop();
  }, true);
  window.__gdprkbToTop = () => {
    for (const el of document.querySelectorAll('[data-testid="stMain"], .stMain, .main'))
      el.scrollTo(0, 0);
    window.scrollTo(0, 0);
  };
})();
</script>"""


def install() -> None:
    """Make in-app links open in place on a plain click (once per page, invisible)."""
    st.html(_INTERCEPT, unsafe_allow_javascript=True)


def scroll_to_top(token: str) -> None:
    """Scroll the page to the top (the token makes the element new, so the script runs)."""
    nonce = re.sub(r"[^0-9A-Za-z_]", "", token)[:64]
    script = "window.__gdprkbToTop && window.__gdprkbToTop();"
    st.html(f"<script>/* {nonce} */ {script}</script>", unsafe_allow_javascript=True)


def md(label_markdown: str, view: View) -> str:
    """A markdown link to a view (the label must already be escaped markdown)."""
    return f"[{label_markdown}]({href(view)})"


def case_link(title: str, page_id: int, context: View | None = None) -> str:
    """A markdown link to a case page, keeping the search behind it for "Back to results"."""
    base = context or View()
    target = base.with_(case=page_id, charts=False)
    # A very long query would make every link on the page that long: link the case alone.
    if len(href(target)) > 2000:
        target = View(case=page_id)
    return md(md_escape(title) or str(page_id), target)


def article_link(number: int, label: str | None = None) -> str:
    """A markdown link to the article page (the article and every decision citing it)."""
    return md(md_escape(label or f"Art. {number}"), View(article=number))
