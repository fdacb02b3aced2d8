"""The word lists of the rule-based baselines (``docs/baselines.md`` lists them too).

Changing a list changes a baseline's output: bump that baseline's ``VERSION``.
"""

from __future__ import annotations

# --- string-match-coref (and the relation baseline built on it) ---------------------------------

PRONOUNS = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "it": "it", "its": "it", "they": "they", "them": "they", "their": "they"}

#: Sentence-initial capitalised words that are not names.
FUNCTION_WORDS = frozenset(
    """
a an the this that these those there here both all some many most each every no not
while although though if when whereas after before since because as until unless
but and or so yet nor however meanwhile moreover also still then now thus later earlier
in on at for with by from of to into about over under during despite between among
according regarding following than we i you our my your one
""".split()
)

#: Month and weekday names are values, not names: they never join a name run.
CALENDAR = frozenset(
    """
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split()
)

#: Words that make a name an organisation (ORG) and not a person.
ORG_WORDS = frozenset(
    """
agency alliance front ministry embassy party army council committee government bank
university company corporation group organization organisation union association
institute court forces foundation movement league office department commission
federation assembly parliament police network news times post
""".split()
)

#: Words that make a name a place or a title, not a person.
PLACE_TITLE_WORDS = frozenset(
    """
city province state county district region river island republic kingdom
north south east west northern southern eastern western central
foreign prime minister president secretary general chief spokesman
""".split()
)

#: Nationality and group adjectives (NORP); any single word ending in -ian or -ese counts too.
DEMONYMS = frozenset(
    """
afghan american arab british chinese french german russian indian pakistani turkish
israeli iraqi saudi japanese korean european african asian tajik uzbek pashtun hazara
kurdish kurd baloch sunni shia shiite muslim christian jewish
""".split()
)

#: A name right after one of these is a vote for a place (GPE).
PLACE_PREPOSITIONS = frozenset({"in", "from", "into", "to", "across", "near"})
#: A name right before one of these is a vote for a place (GPE).
PLACE_NOUNS = frozenset({"city", "province", "state", "county", "district", "region"})
DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central"})


# --- cue-lexicon-attribution ------------------------------------------------------------------

_LEMMAS = """say tell confirm stress urge assure dismiss deny announce add claim insist warn promise
explain argue suggest acknowledge assert declare emphasise emphasize reveal allege admit vow pledge
reiterate ask demand"""
_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "deny": ("denies", "denied", "denying"),
    "admit": ("admits", "admitted", "admitting"),
}


def _forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    third = lemma + ("es" if lemma.endswith(("s", "sh")) else "s")
    return (lemma, third, stem + "ed", stem + "ing")


VERB_CUES = frozenset(f for lemma in _LEMMAS.split() for f in _forms(lemma))
#: Verbs whose addressee precedes the content ("told them ...", "urged X to V").
ADDRESSEE_VERBS = frozenset(f for lemma in ("tell", "assure", "warn", "promise", "urge", "ask") for f in _forms(lemma))
#: Verbs whose content is the infinitive after the addressee ("urged X to return").
TO_VERBS = frozenset(f for lemma in ("urge", "ask") for f in _forms(lemma))
#: Verbs whose particle "on" belongs to the cue ("stressed on").
ON_VERBS = frozenset(f for lemma in ("stress", "insist", "emphasise", "emphasize") for f in _forms(lemma))
#: Reporting nouns: a cue only when "that" or "about" follows.
NOUN_CUES = frozenset(
    """speculation speculations claim claims statement report reports announcement
assurance assurances warning rumour rumours rumor rumors allegation allegations""".split()
)
ADVERB_CUES = frozenset({"reportedly", "allegedly", "purportedly", "reputedly", "supposedly"})

DETERMINERS = frozenset("the a an this that these those its his her their our some many several both all".split())
PERSONAL = frozenset("he she they it we i you".split())
OBJECT_PRONOUNS = frozenset("him her them us me you".split())
#: Adverbs skipped between a source and its cue ("X, however, said", "X also confirmed").
SKIPPED_ADVERBS = frozenset("also however later again too then further meanwhile earlier separately once previously".split())
#: Words stripped from the start of a source ("But Iranian officials").
LEADING = frozenset("but and yet so or however meanwhile".split())
#: A sentence starting with one of these has no appositive subject before its cue.
SUBORDINATORS = frozenset("while although though if when whereas because as after before since regarding according despite following".split())
#: A comma followed by one of these ends a content.
BREAKERS = frozenset("without adding while whereas although though".split())
MEDIA = frozenset("tweet statement message briefing interview post video conference".split())
FINAL = frozenset({".", "!", "?"})
