"""The distributed backend: the same search on an OpenSearch cluster. Our Python analysis
produces the terms; OpenSearch stores, shards, replicates and scores them."""
