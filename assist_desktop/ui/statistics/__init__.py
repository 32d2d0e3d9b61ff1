"""统计: the statistics page, its charts and the records behind a figure."""
