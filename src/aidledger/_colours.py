"""The colours of the charts: one per donor, told apart with any colour vision.

Paul Tol's "muted" scheme (nine colours), and a grey for the donors folded into "others"
when there are more donors than colours.
"""

__all__ = ["OTHERS", "PALETTE", "READABLE"]

#: A donor's colour, in the order of the donors (the largest first).
PALETTE = (
    "#332288", "#CC6677", "#117733", "#DDCC77", "#88CCEE",
    "#882255", "#44AA99", "#999933", "#AA4499",
)  # fmt: skip
#: The donors folded into "others".
OTHERS = "#7f7f7f"
#: Donors drawn each in a colour of their own; past this number, the smallest are folded
#: into "others" (and one colour is kept for them).
READABLE = len(PALETTE)
