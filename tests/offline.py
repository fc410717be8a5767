"""Find what an HTML page would load from another host."""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

#: Attributes through which a browser loads a resource, whatever the element.
LOADING = {"src", "srcset", "data", "poster", "background", "action", "formaction"}
#: Elements whose ``href`` loads a resource (an ``<a href>`` is only a link).
LOADING_HREF = {"link", "base", "image", "use"}


def _external(value: str) -> bool:
    """Whether a URL reaches another host: not relative, not ``data:``, not ``#...``."""
    value = value.strip()
    if not value or value.startswith("#"):
        return False
    url = urlparse(value)
    return url.scheme.lower() != "data" and bool(url.scheme or url.netloc)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            loads = name in LOADING or (name in {"href", "xlink:href"} and tag in LOADING_HREF)
            urls = (
                [v.split()[0] for v in value.split(",") if v.strip()]
                if name == "srcset"
                else [value]
            )
            if loads and any(_external(v) for v in urls):
                self.found.append(f"<{tag} {name}={value!r}>")
        self._in = tag if tag in {"script", "style"} else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        # a script that fetches or imports anything by URL, a style that imports a sheet or font
        url = re.search(r"https?://[^\s\"'`)]+", data)
        if self._in == "script" and url:
            self.found.append(f"<script> with {url[0]}")
        if self._in == "style" and re.search(r"@import|url\(\s*[\"']?(https?:)?//", data):
            self.found.append("<style> importing from another host")


def external_resources(page: str) -> list[str]:
    """Every place where ``page`` would make the browser fetch from another host.

    Parameters
    ----------
    page : str
        An HTML document.

    Returns
    -------
    list of str
        One description per offending attribute, script or style; empty if the
        page loads nothing but relative files and ``data:`` URIs. Ordinary
        links (``<a href="https://...">``) are not resources and are allowed.
    """
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector.found
