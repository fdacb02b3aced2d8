"""The style sheet of the review page (:mod:`khabar.workflow.render`), inlined into every page.

Entity colours come from a ``--h`` (hue) custom property set per element; a
mention's ``--lv`` is the number of mention layers nested inside it, so outer
mentions draw their underline further down and nested spans stay readable.
"""

CSS = """
:root { --cue: #c62828; --source: #1565c0; --content: #2e7d32; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
header, main > section { max-width: 1180px; margin: 0 auto; padding: .6em 1.5em; }
header { border-bottom: 1px solid #ddd; background: #fff; max-width: none; }
h1 { font-size: 1.35em; margin: .2em 0; }
h2 { font-size: 1.15em; margin: 1.2em 0 .4em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
.muted { color: #666; }
.legend { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: center; font-size: .9em; margin: .4em 0; }
.legend .mention { --h: 210; --lv: 0; }
.toggle { font-size: .9em; user-select: none; }
.text { white-space: pre-wrap; background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 1em 1.2em; font-size: 16px; line-height: 2.1; }
.sentence > .snum, .att-text .snum { font-size: .62em; color: #fff; background: #757575; border-radius: 3px; padding: 0 .3em; margin-right: .25em; vertical-align: .35em; font-weight: 600; }
.mention { border-bottom: 2px solid hsl(var(--h) 65% 38%); padding-bottom: calc(1px + var(--lv) * 5px);
  background: hsl(var(--h) 85% 55% / .11); border-radius: 2px; }
.mention.k-NOM { border-bottom-style: dashed; }
.mention.k-PRO { border-bottom-style: dotted; border-bottom-width: 3px; }
.mention.unknown-entity { border-bottom-color: #000; background: #ffcdd2; }
.mention .tag { display: none; font-size: .6em; font-weight: 600; color: hsl(var(--h) 65% 30%); margin-left: .1em; }
#show-labels:checked ~ .text .tag, .mention:hover > .tag { display: inline; }
.mention:hover { background: hsl(var(--h) 85% 55% / .28); }
.head { font-weight: 700; }
.value { outline: 1px dashed #777; outline-offset: 1px; background: #eceff1; border-radius: 2px; }
.value .vtag { font-size: .55em; color: #555; margin-left: .15em; letter-spacing: .03em; }
.swatch { display: inline-block; width: .85em; height: .85em; border-radius: 2px; vertical-align: -.05em;
  background: hsl(var(--h) 65% 45%); }
.ename { color: hsl(var(--h) 65% 30%); font-weight: 600; }
.etype { font-size: .75em; font-weight: 600; color: #fff; background: #607d8b; border-radius: 3px; padding: 0 .35em; }
#chains { padding-left: 2.2em; }
#chains > li { margin: .3em 0 .6em; }
.members { font-size: .9em; }
.chain-mentions { font-size: .92em; color: #333; margin-top: .15em; }
.chain-mention { text-decoration: none; color: inherit; border-bottom: 2px solid hsl(var(--h) 65% 38%); }
.chain-mention.k-NOM { border-bottom-style: dashed; }
.chain-mention.k-PRO { border-bottom-style: dotted; }
.chain-mention sub { color: #777; font-size: .72em; margin-left: .1em; }
.sep { color: #aaa; margin: 0 .35em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e0e0e0; padding: .25em .55em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.arrow { color: #888; }
a.snref { color: #455a64; font-size: .88em; margin-right: .3em; }
.attribution { border-left: 3px solid #b0bec5; background: #fff; margin: .5em 0; padding: .35em .2em .35em .8em; }
.attribution .attribution { margin-left: 1.6em; border-left-color: #90a4ae; background: #f7f9fa; }
.att-head { font-size: .88em; color: #444; }
.att-text { white-space: pre-wrap; margin: .25em 0; }
.cue { background: #ffcdd2; border-bottom: 2px solid var(--cue); font-weight: 600; }
.source { background: #bbdefb; border-bottom: 2px solid var(--source); }
.content { background: #dcedc8; border-bottom: 2px solid var(--content); }
.role-key { font-size: .8em; padding: 0 .35em; border-radius: 2px; }
.orphan { border-left-color: #c62828; }
"""
