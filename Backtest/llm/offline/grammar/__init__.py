"""Step 3: the grammar of one sentence, as all-parses combinators (:mod:`.combinators`).

Why not lark's Earley parser (the first choice, and the natural one for ambiguity detection)?
The same grammar written in lark took 0.6-3 s per sentence with ``ambiguity="explicit"``
(and about as long with ``"resolve"``) and produced dozens of readings per sentence that
differed only in how optional separators were attached. A description is 5-10 sentences, so
that was 10+ s per request. The memoised combinators below read a sentence in milliseconds
and still return *every* complete reading, so ambiguity is still detected: readings are
ranked by how many statements they make (attach a clause to the rule before it rather than
start a new statement), and when the best readings differ in meaning the sentence is
refused as ambiguous.

Fail closed: a reading must consume every lexeme of the sentence. When none does, the lexeme
where the furthest attempt stopped is reported as the phrase that could not be placed.

The grammar is split by concern, each module building on the ones before it:
:mod:`.base` (helpers), :mod:`.operands`, :mod:`.comparisons`, :mod:`.patterns` (gaps, inside
days, candle colours, bull/bear crosses), :mod:`.conditions` (calendar and condition lists,
terms defined on the spot), :mod:`.rules` (actions, orders, when-clauses), :mod:`.sides`
("long above the 20 SMA, flat below it"), :mod:`.settings` (stops, targets, time exits, sizing,
sides) and :mod:`.sentence` (every statement, the sentence and :func:`read_sentence`, the one
public entry point).
"""

from __future__ import annotations

from Backtest.llm.offline.grammar.sentence import SentenceReadings, read_sentence

__all__ = ["SentenceReadings", "read_sentence"]
