package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
)

// The report is built once as a list of blocks and written twice, as
// Markdown and as HTML. Text in blocks is plain, except that `backticks`
// mark code.

type block interface{ isBlock() }

type heading struct {
	level int // 2 for sections, 3 below
	id    string
	text  string
}

type para struct {
	class string // "" or a CSS class: note, precision, method
	text  string
}

type codeBlock struct{ text string }

type table struct {
	class   string
	caption string
	head    []string
	right   []bool // numeric columns, right-aligned
	rows    [][]string
}

type keyValues struct {
	class string
	rows  [][2]string
}

// figureBlock is one chart: its plot rendered as SVG (for the HTML) and
// as PNG under plots/ (for the Markdown), or its Empty sentence.
type figureBlock struct {
	chart Chart
	svg   []byte
	png   string // path relative to the report
}

type figureGrid struct{ figs []figureBlock }

func (heading) isBlock()     {}
func (para) isBlock()        {}
func (codeBlock) isBlock()   {}
func (table) isBlock()       {}
func (keyValues) isBlock()   {}
func (figureBlock) isBlock() {}
func (figureGrid) isBlock()  {}

type document struct {
	title    string
	subtitle string
	footer   string
	blocks   []block
}

func (d *document) add(b ...block) { d.blocks = append(d.blocks, b...) }

// sections lists the level-2 headings, for the table of contents.
func (d *document) sections() []heading {
	var out []heading
	for _, b := range d.blocks {
		if h, ok := b.(heading); ok && h.level == 2 {
			out = append(out, h)
		}
	}
	return out
}

// ---- Markdown ----

// mdText escapes the characters Markdown would read as markup, outside
// code spans.
func mdText(s string) string { return mdEscape(s, false) }

// mdEscape is mdText; in a table it also escapes the pipes inside code
// spans, which would otherwise end the cell.
func mdEscape(s string, inTable bool) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			if inTable {
				part = strings.ReplaceAll(part, "|", "\\|")
			}
			b.WriteString("`" + part + "`")
			continue
		}
		for _, r := range part {
			switch r {
			case '\\', '*', '_', '<', '|':
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCell is mdText for a table cell, where a newline would end the row.
func mdCell(s string) string {
	return strings.ReplaceAll(mdEscape(s, true), "\n", " ")
}

func (d *document) markdown() []byte {
	var w bytes.Buffer
	fmt.Fprintf(&w, "# %s\n\n", mdText(d.title))
	if d.subtitle != "" {
		fmt.Fprintf(&w, "%s\n\n", mdText(d.subtitle))
	}
	for _, b := range d.blocks {
		switch b := b.(type) {
		case heading:
			fmt.Fprintf(&w, "%s %s\n\n", strings.Repeat("#", b.level), mdText(b.text))
		case para:
			fmt.Fprintf(&w, "%s\n\n", mdText(b.text))
		case codeBlock:
			fmt.Fprintf(&w, "```\n%s\n```\n\n", b.text)
		case keyValues:
			w.WriteString("| | |\n|---|---|\n")
			for _, r := range b.rows {
				fmt.Fprintf(&w, "| **%s** | %s |\n", mdCell(r[0]), mdCell(r[1]))
			}
			w.WriteString("\n")
		case table:
			mdTable(&w, b)
		case figureBlock:
			mdFigure(&w, b)
		case figureGrid:
			for _, f := range b.figs {
				mdFigure(&w, f)
			}
		}
	}
	if d.footer != "" {
		fmt.Fprintf(&w, "---\n\n%s\n", mdText(d.footer))
	}
	return w.Bytes()
}

func mdTable(w *bytes.Buffer, t table) {
	if t.caption != "" {
		fmt.Fprintf(w, "%s\n\n", mdText(t.caption))
	}
	cells := make([]string, len(t.head))
	for i, h := range t.head {
		cells[i] = mdCell(h)
	}
	fmt.Fprintf(w, "| %s |\n|", strings.Join(cells, " | "))
	for i := range t.head {
		if i < len(t.right) && t.right[i] {
			w.WriteString("---:|")
		} else {
			w.WriteString("---|")
		}
	}
	w.WriteString("\n")
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = mdCell(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	w.WriteString("\n")
}

func mdFigure(w *bytes.Buffer, f figureBlock) {
	if f.chart.Plot == nil {
		fmt.Fprintf(w, "**%s.** %s\n\n", mdText(f.chart.Title), mdText(f.chart.Empty))
		return
	}
	fmt.Fprintf(w, "![%s](%s)\n\n", mdText(f.chart.Title), f.png)
	if f.chart.Caption != "" {
		fmt.Fprintf(w, "%s\n\n", mdText(f.chart.Caption))
	}
}

// ---- HTML ----

// htmlText escapes s and turns `code` into <code>.
func htmlText(s string) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + html.EscapeString(part) + "</code>")
		} else {
			b.WriteString(html.EscapeString(part))
		}
	}
	return b.String()
}

func classAttr(c string) string {
	if c == "" {
		return ""
	}
	return ` class="` + html.EscapeString(c) + `"`
}

func (d *document) html() []byte {
	var w bytes.Buffer
	w.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	w.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&w, "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", htmlText(d.title), css)
	fmt.Fprintf(&w, "<header>\n<h1>%s</h1>\n", htmlText(d.title))
	if d.subtitle != "" {
		fmt.Fprintf(&w, "<p class=\"subtitle\">%s</p>\n", htmlText(d.subtitle))
	}
	w.WriteString("<nav><ol>\n")
	for _, h := range d.sections() {
		fmt.Fprintf(&w, "<li><a href=\"#%s\">%s</a></li>\n", h.id, htmlText(h.text))
	}
	w.WriteString("</ol></nav>\n</header>\n")
	open := false
	for _, b := range d.blocks {
		switch b := b.(type) {
		case heading:
			if b.level == 2 {
				if open {
					w.WriteString("</section>\n")
				}
				fmt.Fprintf(&w, "<section id=\"%s\">\n", b.id)
				open = true
			}
			fmt.Fprintf(&w, "<h%d%s>%s</h%d>\n", b.level, idAttr(b), htmlText(b.text), b.level)
		case para:
			fmt.Fprintf(&w, "<p%s>%s</p>\n", classAttr(b.class), htmlText(b.text))
		case codeBlock:
			fmt.Fprintf(&w, "<pre><code>%s</code></pre>\n", html.EscapeString(b.text))
		case keyValues:
			fmt.Fprintf(&w, "<dl%s>\n", classAttr(b.class))
			for _, r := range b.rows {
				fmt.Fprintf(&w, "<dt>%s</dt><dd>%s</dd>\n", htmlText(r[0]), htmlText(r[1]))
			}
			w.WriteString("</dl>\n")
		case table:
			htmlTable(&w, b)
		case figureBlock:
			htmlFigure(&w, b)
		case figureGrid:
			w.WriteString("<div class=\"grid\">\n")
			for _, f := range b.figs {
				htmlFigure(&w, f)
			}
			w.WriteString("</div>\n")
		}
	}
	if open {
		w.WriteString("</section>\n")
	}
	if d.footer != "" {
		fmt.Fprintf(&w, "<footer>%s</footer>\n", htmlText(d.footer))
	}
	w.WriteString("</main>\n<script>\n" + checkScript + "</script>\n</body>\n</html>\n")
	return w.Bytes()
}

func idAttr(h heading) string {
	if h.id == "" || h.level == 2 {
		return ""
	}
	return ` id="` + h.id + `"`
}

func htmlTable(w *bytes.Buffer, t table) {
	fmt.Fprintf(w, "<div class=\"table-wrap\"><table%s>\n", classAttr(t.class))
	if t.caption != "" {
		fmt.Fprintf(w, "<caption>%s</caption>\n", htmlText(t.caption))
	}
	w.WriteString("<thead><tr>")
	for i, h := range t.head {
		fmt.Fprintf(w, "<th%s>%s</th>", numClass(t, i), htmlText(h))
	}
	w.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.rows {
		w.WriteString("<tr>")
		for i, c := range r {
			fmt.Fprintf(w, "<td%s>%s</td>", numClass(t, i), htmlText(c))
		}
		w.WriteString("</tr>\n")
	}
	w.WriteString("</tbody></table></div>\n")
}

func numClass(t table, i int) string {
	if i < len(t.right) && t.right[i] {
		return ` class="num"`
	}
	return ""
}

func htmlFigure(w *bytes.Buffer, f figureBlock) {
	c := f.chart
	if c.Plot == nil {
		fmt.Fprintf(w, "<figure class=\"chart empty\" id=\"fig-%s\">\n<div class=\"empty-note\">%s</div>\n"+
			"<figcaption><strong>%s.</strong></figcaption>\n</figure>\n",
			c.Name, htmlText(c.Empty), htmlText(c.Title))
		return
	}
	wpx := int(ChartWidth.Points() * 96 / 72)
	hpx := int(ChartHeight.Points() * 96 / 72)
	fmt.Fprintf(w, "<figure class=\"chart\" id=\"fig-%s\">\n<img src=\"data:image/svg+xml;base64,%s\" "+
		"width=\"%d\" height=\"%d\" alt=\"%s\">\n<figcaption><strong>%s.</strong> %s</figcaption>\n</figure>\n",
		c.Name, base64.StdEncoding.EncodeToString(f.svg), wpx, hpx, html.EscapeString(c.Title),
		htmlText(c.Title), htmlText(c.Caption))
}

// css is the report's stylesheet, screen and print.
const css = `:root { --ink: #1a1f2b; --muted: #5a6270; --rule: #d5d9e0; --band: #f3f5f8; --accent: #08264f; }
* { box-sizing: border-box; }
html { font: 15px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 4px; border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
h4 { font-size: 0.95rem; margin: 1rem 0 0.3rem; color: var(--muted); }
p { margin: 0.4rem 0 0.8rem; max-width: 72rem; }
.subtitle { color: var(--muted); font-size: 1.05rem; margin-top: 0; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 10px 0 0; list-style: none; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
code { font-family: "Liberation Mono", Consolas, Menlo, monospace; font-size: 0.88em; background: var(--band); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--band); border: 1px solid var(--rule); padding: 8px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
pre code { background: none; padding: 0; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; padding: 14px 18px; border: 2px solid var(--accent); border-radius: 6px; background: var(--band); }
dl.summary dt { font-weight: bold; color: var(--accent); }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 0.4rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--band); border-bottom: 2px solid var(--accent); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; } /* a heading may wrap, so a wide table still fits a page */
table.risk { width: 100%; }
table.risk td:first-child { width: 30%; }
table.params { width: 100%; }
table.params td:first-child { white-space: nowrap; width: 1%; }
td code { font-size: 0.92em; padding: 0 3px; }
.note, .method { color: var(--muted); font-size: 0.92rem; }
.precision { border-left: 4px solid var(--accent); padding: 6px 12px; background: var(--band); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 18px 24px; }
figure { margin: 0 0 1rem; }
figure img { display: block; width: 100%; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: 0.85rem; color: var(--muted); margin-top: 4px; }
figcaption strong { color: var(--ink); }
.empty-note { border: 1px dashed var(--muted); padding: 28px 18px; text-align: center; color: var(--muted); background: var(--band); }
footer { margin-top: 3rem; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.85rem; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  .grid { display: block; }
  figure, tr, dl.summary, .precision, table.keep { break-inside: avoid; page-break-inside: avoid; }
  figure img { width: 100%; border: none; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  pre { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
}
`

// checkScript runs when the page has loaded and records, for the browser
// test, whether every figure is visible and no error occurred: it adds
// <meta name="tempest-check" content="ok N figures"> or "fail: ...".
const checkScript = `(function () {
  var errors = [];
  window.addEventListener("error", function (e) {
    var t = e.target;
    errors.push(t && t !== window && t.tagName ? "failed to load " + t.tagName.toLowerCase() : String(e.message));
  }, true);
  var origError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, " "));
    return origError.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    var bad = [];
    var figs = document.querySelectorAll("figure");
    for (var i = 0; i < figs.length; i++) {
      var r = figs[i].getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) bad.push(figs[i].id + " has no size");
      var img = figs[i].querySelector("img");
      if (img) {
        var ri = img.getBoundingClientRect();
        if (!(img.complete && img.naturalWidth > 0 && ri.width > 0 && ri.height > 0)) bad.push(figs[i].id + " image not shown");
      }
    }
    var m = document.createElement("meta");
    m.name = "tempest-check";
    var imgs = document.querySelectorAll("figure img").length;
    m.content = bad.length || errors.length ? "fail: " + bad.concat(errors).join("; ") : "ok " + figs.length + " figures, " + imgs + " images";
    document.head.appendChild(m);
  });
})();
`
