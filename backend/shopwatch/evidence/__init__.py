"""Evidence for the police: referrals, case progress, witness statements, exhibits, property."""
