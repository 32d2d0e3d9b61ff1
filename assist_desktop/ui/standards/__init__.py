"""The standards table (救助标准) of 金秋助学 and 春节送温暖: seen by everyone, edited by the administrator."""
