"""公示 settings on the 设置 page: notice days, 联系人, 监督电话 and the official holiday arrangement."""
