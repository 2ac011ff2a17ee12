"""The read-only query API over the store, and the small web page it serves."""
