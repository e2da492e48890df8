"""Paging through lists that grow with the years: one way for every app.

`page_get` picks a page from a queryset (two queries: the count and the page's rows) or a
list, whatever the page number asked for: anything that is not a whole number gives the
first page, a number past the end the last, so a hand-typed or stale address never fails.
`paginate` does the same for a request and attaches `page.nav`, the links
`templates/includes/pagination.html` prints as the GOV.UK pagination component.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the ellipsis between distant pages
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class PageNav:
    what: str
    previous_href: str | None
    next_href: str | None
    links: list[PageLink] = field(default_factory=list)


def page_number(value, *, last: int) -> int:
    """A page number between 1 and `last`: the first page for anything that is not a positive whole number."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(last, 1))


def page_get(items, number, *, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` numbered `number` (clamped to the pages there are)."""
    paginator = Paginator(items, per_page)
    return paginator.page(page_number(number, last=paginator.num_pages))


def page_nav(request, page: Page, *, what: str, param: str = "page") -> PageNav:
    """Links to the pages around `page`, keeping the request's other query parameters."""
    query = request.GET.copy()

    def href(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}"

    links = [
        PageLink(None) if number == page.paginator.ELLIPSIS else PageLink(number, href(number), number == page.number)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return PageNav(
        what=what,
        previous_href=href(page.previous_page_number()) if page.has_previous() else None,
        next_href=href(page.next_page_number()) if page.has_next() else None,
        links=links,
    )


def paginate(request, items, *, what: str, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page of `items` the request asks for (`?page=`), with `page.nav` for the pagination include."""
    page = page_get(items, request.GET.get(param), per_page=per_page)
    page.nav = page_nav(request, page, what=what, param=param)
    return page
