"""A request into a result, for any backend: the Backend and View seam (engine), the request
and result types, query syntax, the plan, marks and snippets from stored spans,
suggestions. Uses language/, articles/ and indexing/; knows no backend."""
