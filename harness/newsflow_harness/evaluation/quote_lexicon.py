"""Word lists of the quotes evaluation: which cues are verbs of saying, which sources are pronouns."""

from __future__ import annotations

# Forms of verbs of saying (and writing, which reports words too); a cue containing one makes a quote.
_SPEECH_VERBS = """
    say says said saying tell tells told telling add adds added adding state states stated
    note notes noted argue argues argued warn warns warned deny denies denied claim claims claimed
    announce announces announced explain explains explained write writes wrote written insist insists insisted
    declare declares declared reply replies replied respond responds responded ask asks asked
    tweet tweets tweeted post posts posted stress stresses stressed acknowledge acknowledged admit admits admitted
    urge urges urged emphasize emphasized recall recalled suggest suggests suggested complain complained
    maintain maintains maintained confirm confirms confirmed predict predicted remark remarked observe observed
    repeat repeated report reports reported testify testified quip quipped joke joked shout shouted
    yell yelled describe described call calls called accuse accused charge charged vow vowed pledge pledged
    promise promised concede conceded contend contended assert asserted counter countered boast boasted
    according
"""
SPEECH_VERBS: frozenset[str] = frozenset(_SPEECH_VERBS.split())

_PRONOUNS = "he she they it we i you him her them his their its who which that this"
PRONOUNS: frozenset[str] = frozenset(_PRONOUNS.split())

# Words that do not make two names the same speaker.
_NAME_STOP_WORDS = "the a an of and mr mrs ms dr s his her their its he she they it we i you"
NAME_STOP_WORDS: frozenset[str] = frozenset(_NAME_STOP_WORDS.split())
