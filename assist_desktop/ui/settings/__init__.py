"""设置: users, grassroots unions, the database and its backups, and a way to the standards tables."""
