# Employer ledger, establishment rate, new sectors, instructors, demonstration sites (issue 3).
