package console

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are drawn on the server as SVG inside the page: no script, nothing
// to fetch, readable without JavaScript, and each bar is a link to the rows
// behind it. Colours are SVG attributes (the CSP forbids inline styles).

// bar is one bar of a chart; Href leads to the rows it counts.
type bar struct {
	Label string
	N     int
	Href  string
	Text  string // shown instead of N when set (a rate)
}

// stack is one column of a stacked chart: one value per series.
type stack struct {
	Label  string
	Values []int
}

type chart struct {
	Title  string
	Bars   []bar   // horizontal bars
	Stacks []stack // stacked columns (trend)
	Series []string
}

var seriesColours = []string{"#b3261e", "#e8a317", "#4a7ab5", "#6b8e23", "#7b5ea7"}

func esc(s string) string { return template.HTMLEscapeString(s) }

func (c chart) svg() template.HTML {
	if len(c.Stacks) > 0 {
		return c.columns()
	}
	return c.hbars()
}

// hbars draws labelled horizontal bars, largest first as given.
func (c chart) hbars() template.HTML {
	const rowH, labelW, width = 28, 240, 560
	barW := 270
	max := 1
	for _, b := range c.Bars {
		if b.N > max {
			max = b.N
		}
		if b.Text != "" {
			barW = 200 // room for a rate and its base after the bar
		}
	}
	h := rowH*len(c.Bars) + 10
	if len(c.Bars) == 0 {
		h = 40
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, width, h, esc(c.Title))
	if len(c.Bars) == 0 {
		s.WriteString(`<text x="0" y="25" font-size="15" fill="#555">Aucune donnée</text>`)
	}
	for i, b := range c.Bars {
		y := i*rowH + 5
		w := b.N * barW / max
		if b.N > 0 && w < 2 {
			w = 2
		}
		label := b.Label
		if len([]rune(label)) > 24 {
			label = string([]rune(label)[:23]) + "…"
		}
		if b.Href != "" {
			fmt.Fprintf(&s, `<a href="%s">`, esc(b.Href))
		}
		value := frInt(b.N)
		if b.Text != "" {
			value = b.Text
		}
		fmt.Fprintf(&s, `<title>%s : %s</title>`, esc(b.Label), esc(value))
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="15" text-anchor="end" fill="#1b1b1b">%s</text>`, labelW-8, y+19, esc(label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="#2a5c8a"/>`, labelW, y+3, w, rowH-8)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="15" fill="#1b1b1b">%s</text>`, labelW+w+6, y+19, esc(value))
		if b.Href != "" {
			s.WriteString(`</a>`)
		}
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// columns draws stacked columns, one per stack, with a legend.
func (c chart) columns() template.HTML {
	const width, height, left, bottom, top = 560, 280, 44, 34, 40
	max := 1
	for _, st := range c.Stacks {
		t := 0
		for _, v := range st.Values {
			t += v
		}
		if t > max {
			max = t
		}
	}
	plotH := height - bottom - top
	step := (width - left) / len(c.Stacks)
	colW := step * 6 / 10
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, width, height, esc(c.Title))
	for i, name := range c.Series {
		x := left + i*150
		fmt.Fprintf(&s, `<rect x="%d" y="6" width="14" height="14" fill="%s"/><text x="%d" y="18" font-size="15" fill="#1b1b1b">%s</text>`,
			x, seriesColours[i%len(seriesColours)], x+20, esc(name))
	}
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, left, height-bottom, width, height-bottom)
	for i, st := range c.Stacks {
		x := left + i*step + (step-colW)/2
		y := height - bottom
		total := 0
		for j, v := range st.Values {
			hgt := v * plotH / max
			y -= hgt
			total += v
			fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s — %s : %s</title></rect>`,
				x, y, colW, hgt, seriesColours[j%len(seriesColours)], esc(st.Label), esc(c.Series[j]), frInt(v))
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="#1b1b1b">%s</text>`, x+colW/2, y-5, frInt(total))
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="#1b1b1b">%s</text>`, x+colW/2, height-bottom+22, esc(st.Label))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
