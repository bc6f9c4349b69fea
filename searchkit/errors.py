"""Exceptions a user of searchkit can act on; each message is one line fit to show as is."""


class SearchkitError(Exception):
    """Base class: a problem with the user's input or setup, not a bug."""


class QueryError(SearchkitError, ValueError):
    """The query string cannot be understood (the message points at the problem)."""


class IndexNotFoundError(SearchkitError):
    """There is no searchkit index at the given path."""


class IncompatibleIndexError(SearchkitError):
    """The index was built by an incompatible version of searchkit (or is damaged): rebuild it."""


class UntrustedIndexError(SearchkitError):
    """Other users can write to the index folder, so its pickled parts could run their code."""


class IndexBusyError(SearchkitError):
    """Another process is writing to the index and did not finish within the lock timeout."""


class ArticleNotFoundError(SearchkitError, LookupError):
    """No article in the index has the id asked for."""


class WorkerDiedError(SearchkitError):
    """A worker process of the indexing pipeline died (killed, out of memory, crashed); the commits made are kept."""
