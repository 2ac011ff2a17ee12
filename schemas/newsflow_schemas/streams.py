"""Default stream names. Deployments may rename them; these are what a default install uses."""

RAW = "articles.raw"
PARSED = "articles.parsed"
ENRICHED = "articles.enriched"
STORED = "articles.stored"
DLQ = "articles.dlq"
MERGED = "stories.merged"  # StoryMerged: the store rejoined two stories of one event (1.5)
