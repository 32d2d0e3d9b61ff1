"""春节送温暖 screens."""
