"""The back ends of the `web_search` tool (`tools/types/web_search.py`), one module each, and what they share.

    hits         SearchHit, the cleaning of titles, snippets and URLs, the numbered text that goes back
    brave        Brave Search API: its JSON answer, its errors (bad key, rate limit with the wait)
    duckduckgo   DuckDuckGo's HTML page: its results, its ad and redirect links, its bot check

The plugin does the HTTP exchange; these modules only read answers, so they touch no network.
"""
