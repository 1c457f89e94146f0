"""The page a list is asked for: ?page=N, anything else (missing, 0, text) the first page."""


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1
