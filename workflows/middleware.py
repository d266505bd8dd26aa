"""Pages outside the viewflow site in its frame (templates/site_page.html)."""

from permissions.twofactor import needs_second_factor


class SiteFrameMiddleware:
    """Give the charter, habilitation and data-protection pages the site's drawer menu.

    viewflow's frame reads `request.resolver_match.site`, which it sets only
    under the site's own URLs. Not before the second factor: a session that
    has not passed it sees no menu (its links would all lead back to the
    2FA page anyway).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if (
            match is not None
            and getattr(match, "site", None) is None
            and getattr(user, "is_authenticated", False)
            and not needs_second_factor(user)
        ):
            from workflows.site import site  # the site imports every app's views

            match.site = site
        return None
