"""档案: the registry list of hardship files (search, filters, sorting) and its model."""
