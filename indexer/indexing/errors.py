"""The errors every layer may raise and the command line and web app turn into answers."""


class IndexNotFound(Exception):
    """There is no index to search at the given place (yet)."""


class IndexNeedsRebuild(IndexNotFound):
    """The index was written by another version of vnsearch: build it again."""


class IndexBusy(Exception):
    """Another build or update holds the index's lock."""


class BackupError(Exception):
    """A snapshot that cannot be written or restored (the message says why and what to do)."""
