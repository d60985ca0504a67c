"""The declaration a witness signs, word for word as printed on the MG11 form.

Criminal Justice Act 1967 s.9 and Magistrates' Courts Act 1980 ss.5A(3)(a) and 5B: a written
statement is admissible as if given orally only if it carries this declaration, signed.
"""

S9_DECLARATION = (
    "This statement (consisting of {pages} page(s) each signed by me) is true to the best of my "
    "knowledge and belief and I make it knowing that, if it is tendered in evidence, I shall be liable "
    "to prosecution if I have wilfully stated in it anything which I know to be false, or do not "
    "believe to be true."
)
