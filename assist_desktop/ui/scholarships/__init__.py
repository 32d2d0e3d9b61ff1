"""金秋助学 screens: rounds, applications, bulk steps, installments, payments."""
