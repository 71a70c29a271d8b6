"""The embedded backend: a Whoosh index directory, built in parallel and searched over posting
arrays. Every use of Whoosh's internals is in format.py, beside the version pin."""
