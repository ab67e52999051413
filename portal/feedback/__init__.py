"""The follow-up visit (回访): after a resolution, was it fixed and how satisfied is the citizen; failed rounds
reopen the complaint and, the second time, go to the supervision body."""
